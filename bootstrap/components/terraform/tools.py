"""The programs bootstrap pins per project and puts behind a shim, each described once.

A `Tool` says everything that differs between Terraform, Terragrunt and OpenTofu: its name and
command, the version file read upward and its global twin, which files' `required_version` pin
it, the profile section and environment variables that set its mirror, API and keys, how its
releases are laid out and signed, and the keys shipped to check them. The shim, the
`bootstrap <command> ...` commands, the install steps and the doctor checks are written once
against it (pinned.py, component.py, cli/pinned.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Tool:
    product: str  # the name people know: "OpenTofu"
    command: str  # the program, the shim in ~/.local/bin and `bootstrap <command> ...`: "tofu"
    folder: str  # <data>/<folder>/versions and <cache>/<folder>
    setting: str  # the profile section: "terraform.opentofu"
    env: str  # the prefix of BOOTSTRAP_<env>_MIRROR / _API / _KEYS
    version_file: str  # read upward from the project to the repository root, and in the home folder
    module_files: tuple[str, ...]  # root-module files whose `required_version` pins a version
    constraints: bool  # pins may be constraints and keywords (~> 1.6, latest), not only versions
    layout: str  # "hashicorp" (releases.hashicorp.com) or "github" (GitHub release downloads)
    signer: str  # who signs the releases, as messages name them
    version_args: tuple[str, ...]  # how the program says its version
    docs: str
    keys_docs: str  # where our docs say how to set or rotate the keys
    repo: str = ""  # github: owner/name
    asset: str = "{command}_{os}_{arch}"  # github: a build's file name, before any archive ending
    sums: str = "SHA256SUMS"  # github: the checksums file
    signature: str = "SHA256SUMS.gpgsig"  # github: the OpenPGP signature of the checksums file
    member: str = ""  # github: the program's name inside an archive, when not the asset's name
    shipped_keys: Optional[str] = None  # a key file in bootstrap/system/keys, checked by default
    terragrunt_pins: bool = False  # terragrunt.hcl's terraform_version_constraint pins it too

    @property
    def mark(self) -> str:
        """The line that makes a file in ~/.local/bin ours (and never someone else's)."""
        return f"# bootstrap {self.command} shim"

    @property
    def keys_setting(self) -> str:
        return f"{self.setting}.keys"

    def variable(self, what: str) -> str:
        return f"BOOTSTRAP_{self.env}_{what}"


TERRAFORM = Tool(
    product="Terraform",
    command="terraform",
    folder="terraform",
    setting="terraform",
    env="TERRAFORM",
    version_file=".terraform-version",
    module_files=("*.tf", "*.tf.json"),
    constraints=True,
    layout="hashicorp",
    signer="HashiCorp",
    version_args=("version",),
    docs="https://developer.hashicorp.com/terraform/install",
    keys_docs="docs/profiles.md, section terraform",
    shipped_keys="hashicorp.asc",
    terragrunt_pins=True,
)

TERRAGRUNT = Tool(
    product="Terragrunt",
    command="terragrunt",
    folder="terragrunt",
    setting="terraform.terragrunt",
    env="TERRAGRUNT",
    version_file=".terragrunt-version",
    module_files=(),
    constraints=False,
    layout="github",
    signer="Gruntwork",
    version_args=("--version",),
    docs="https://terragrunt.gruntwork.io/docs/getting-started/install/",
    keys_docs="docs/profiles.md, section terragrunt",
    repo="gruntwork-io/terragrunt",
)

OPENTOFU = Tool(
    product="OpenTofu",
    command="tofu",
    folder="opentofu",
    setting="terraform.opentofu",
    env="TOFU",
    version_file=".opentofu-version",
    module_files=("*.tf", "*.tf.json", "*.tofu", "*.tofu.json"),
    constraints=True,
    layout="github",
    signer="OpenTofu",
    version_args=("version",),
    docs="https://opentofu.org/docs/intro/install/",
    keys_docs="docs/profiles.md, section opentofu",
    repo="opentofu/opentofu",
    asset="tofu_{version}_{os}_{arch}",
    sums="tofu_{version}_SHA256SUMS",
    signature="tofu_{version}_SHA256SUMS.gpgsig",  # the `.sig` beside it is cosign's
    member="tofu",
    shipped_keys="opentofu.asc",
)
