"""Checks of a built one-folder bundle that go beyond its own smoke check (Linux).

    python installer/check_bundle.py libs DIR           every shared library the bundle links is inside it,
                                                        or one a bare target has (glibc, libgl1, libegl1)
    python installer/check_bundle.py minimal-root DIR   run DIR's smoke check in a root holding nothing but the
                                                        bundle and the files of glibc, libgl1 and libegl1 (and
                                                        their dependencies): no Python, no fonts, no network

Exit codes: 0 passed, 1 failed, 3 cannot check here (the reason is printed; build.sh skips the check).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIPPED = 3

#: what the target supplies: glibc and the packages the README asks for (libgl1 libegl1) with what they pull in
TARGET_LIBRARIES = {
    "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libc.so.6", "libdl.so.2", "libm.so.6", "libpthread.so.0",
    "libresolv.so.2", "librt.so.1", "libutil.so.1",
    "libGL.so.1", "libEGL.so.1", "libGLX.so.0", "libGLdispatch.so.0", "libOpenGL.so.0",
    "libX11.so.6", "libxcb.so.1", "libXau.so.6", "libXdmcp.so.6", "libwayland-client.so.0",
}
#: linked only by the Wayland platform plugin; every Wayland desktop has them (X11 and offscreen do not need them)
WAYLAND_ONLY = {"libwayland-cursor.so.0", "libwayland-egl.so.1"}
#: linked only by Qt's CUPS print plugin: the PC's own libcups2, present wherever CUPS (printing) is installed
PRINTING_ONLY = {"libcups.so.2"}
#: Debian packages of a bare target: glibc and libgl1 libegl1 with their dependencies (apt-cache depends --recurse)
TARGET_PACKAGES = ("libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libglvnd0", "libgl1", "libglx0", "libglx-mesa0",
                   "libegl1", "libegl-mesa0", "libgbm1", "libglapi-mesa", "libdrm2", "libx11-6", "libx11-xcb1",
                   "libxcb1", "libxau6", "libxdmcp6", "libbsd0", "libmd0", "libwayland-client0",
                   "libwayland-server0", "libffi8", "libexpat1", "libxext6", "libxfixes3", "libxcb-dri2-0",
                   "libxcb-dri3-0", "libxcb-glx0", "libxcb-present0", "libxcb-randr0", "libxcb-shm0",
                   "libxcb-sync1", "libxcb-xfixes0", "libxshmfence1", "libxxf86vm1", "libzstd1", "liblzma5",
                   "libtinfo6", "libelf1")


def _is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed_libraries(bundle: Path) -> dict[str, set[str]]:
    """NEEDED library name -> the bundle files that link it (from ``readelf -d``)."""
    readelf = shutil.which("readelf")
    if not readelf:
        raise FileNotFoundError("readelf (binutils) is not installed")
    needed: dict[str, set[str]] = {}
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink() and _is_elf(path):
            out = subprocess.run([readelf, "-d", str(path)], capture_output=True, text=True).stdout
            for line in out.splitlines():
                if "(NEEDED)" in line and "[" in line:
                    needed.setdefault(line.split("[", 1)[1].split("]", 1)[0], set()).add(
                        str(path.relative_to(bundle)))
    return needed


def check_libs(bundle: Path) -> int:
    try:
        needed = needed_libraries(bundle)
    except FileNotFoundError as exc:
        print(f"check_bundle: {exc}; library check skipped")
        return SKIPPED
    inside = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    outside = sorted(set(needed) - inside)
    missing = [name for name in outside if name not in TARGET_LIBRARIES | WAYLAND_ONLY | PRINTING_ONLY]
    print(f"check_bundle: {len(needed)} libraries linked; from the target system: "
          f"{', '.join(n for n in outside if n not in missing)}")
    wayland = [n for n in outside if n in WAYLAND_ONLY]
    if wayland:
        print(f"check_bundle: for Wayland sessions only (present on Wayland desktops): {', '.join(wayland)}")
    printing = [n for n in outside if n in PRINTING_ONLY]
    if printing:
        print(f"check_bundle: for printing only (the PC's CUPS): {', '.join(printing)}")
    if missing:
        for name in missing:
            print(f"check_bundle: MISSING {name}, linked by {', '.join(sorted(needed[name])[:3])}")
        return 1
    return 0


def _package_files(packages) -> list[Path]:
    files: list[Path] = []
    for package in packages:
        listed = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True)
        if listed.returncode != 0:
            arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
            listed = subprocess.run(["dpkg-query", "-L", f"{package}:{arch}"], capture_output=True, text=True)
        for line in listed.stdout.splitlines():
            path = Path(line)
            if (path.is_file() or path.is_symlink()) and ("/lib" in line or line.startswith("/etc/ld.so")):
                files.append(path)
    return files


def _copy_into(root: Path, path: Path) -> None:
    """Copy PATH (a file, or a symlink kept as one) under ROOT, in its folder with every symlink resolved."""
    destination = root / Path(os.path.realpath(path.parent)).relative_to("/") / path.name
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists() or destination.is_symlink():
        return
    if path.is_symlink():
        destination.symlink_to(os.readlink(path))
    else:
        shutil.copy2(path, destination)


def _top_level_links(root: Path) -> None:
    """The merged-/usr links of this system (/lib -> usr/lib...), so the loader's paths work under ROOT."""
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        link = Path("/") / name
        if link.is_symlink():
            (root / name).symlink_to(os.readlink(link))


def minimal_root(bundle: Path) -> int:
    """Run the bundle's smoke check in a chroot holding only the target packages' files, without network."""
    if sys.platform != "linux" or os.geteuid() != 0:
        print("check_bundle: the minimal-root run needs Linux and root (chroot); skipped")
        return SKIPPED
    if not all(shutil.which(tool) for tool in ("dpkg-query", "unshare", "chroot", "mount")):
        print("check_bundle: the minimal-root run needs dpkg-query, unshare, chroot and mount; skipped")
        return SKIPPED
    files = _package_files(TARGET_PACKAGES)
    if not any(f.name.startswith("libGL.so") for f in files):
        print("check_bundle: libgl1 is not installed here, so no target root can be made; skipped")
        return SKIPPED
    root = Path(tempfile.mkdtemp(prefix="desktop-cs-minimal-root-"))
    try:
        _top_level_links(root)
        for path in files:
            _copy_into(root, path)
        for folder in ("app", "data", "tmp", "proc", "dev", "home", "etc"):
            (root / folder).mkdir(exist_ok=True)
        (root / "tmp").chmod(0o1777)
        (root / "etc" / "passwd").write_text("root:x:0:0:root:/home:/bin/false\n")
        mount, chroot = shutil.which("mount"), shutil.which("chroot")
        script = (f'set -e; {mount} --bind "{bundle}" "{root}/app"; {mount} --rbind /dev "{root}/dev"; '
                  f'{mount} -t proc proc "{root}/proc"; '
                  f'exec {chroot} "{root}" /app/desktop-cs --data-dir /data smoke')
        env = {"PATH": "/usr/bin:/bin", "HOME": "/home", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
        done = subprocess.run(["unshare", "--mount", "--net", "--pid", "--fork", "sh", "-c", script],
                              capture_output=True, text=True, env=env, timeout=300)
        print(f"check_bundle: minimal root ({len(files)} files of {len(TARGET_PACKAGES)} packages, no Python, "
              f"no fonts, no network): {done.stdout.strip() or '(no output)'}")
        if done.returncode != 0 or done.stdout.strip() != "ok":
            print(done.stderr.strip()[-3000:])
            return 1
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("libs", "minimal-root"):
        print(__doc__)
        return 2
    bundle = Path(argv[1]).resolve()
    if not (bundle / "desktop-cs").exists():
        print(f"check_bundle: {bundle} holds no desktop-cs program")
        return 1
    return check_libs(bundle) if argv[0] == "libs" else minimal_root(bundle)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
