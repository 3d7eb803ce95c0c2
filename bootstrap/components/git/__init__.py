"""Git: installed and new enough, identity, the team's settings and hosts, a global ignore file;
SSH keys (sshkeys), probing whether a host lets the key in (sshprobe, sshaccess), and the
credential helper (credhelper).

Uses bootstrap.profiles and bootstrap.system.
"""
