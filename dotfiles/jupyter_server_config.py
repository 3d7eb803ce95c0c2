# Written by bootstrap from your team's profile ({{ profile.name }}).
# JupyterLab reads this when it starts (`jupyter-lab`).
c = get_config()  # noqa: F821 - Jupyter provides get_config

# Only this computer can reach your notebooks, never the network around you.
c.ServerApp.ip = "localhost"
c.ServerApp.open_browser = True

# Deleted files go to the trash, so a wrong click can be undone.
c.FileContentsManager.delete_to_trash = True

# Notebooks left idle for 2 hours give their memory back (your files stay as they are).
c.MappingKernelManager.cull_idle_timeout = 7200
c.MappingKernelManager.cull_interval = 300
