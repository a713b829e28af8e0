#!/usr/bin/env python3
"""The generated udev rules (`usbnet-host udev-rules`) against udev-probe (issue 20).

A small evaluator of the subset of udev's rule language the generator writes (ACTION, SUBSYSTEM,
SUBSYSTEMS, ENV{} matches and assignments with $env{}, GOTO/LABEL, TAG+=, IMPORT{program}), as
systemd-udevd reads it: a value is compared with strcmp unless it holds '*', '?' or '[' (then
fnmatch(3) without flags, where a backslash escapes), '|' separates alternatives, an unset
property reads as "", only \\" is unescaped between the quotes, an empty assignment removes the
property.

For every environment (the umockdev fixtures, the built-in profiles' devices from profile-envs,
and a few made here) under every configuration, the rules' properties and tag must be what
`usbnet-host udev-probe --config FILE` prints for the same environment; where the rules would
run the helper (IMPORT{program}) the case counts as "helper", and the cases that do must be
exactly the ones the test names (intended_helper below).

Usage: udev-rules-eval.py USBNET_HOST PROFILE_ENVS SRC_DIR TMP_DIR
"""
import os
import re
import subprocess
import sys

KEYS = ("USBNET_HOST_MODE", "USBNET_HOST_PROFILE", "USBNET_HOST_AUTO", "NM_UNMANAGED")
PEER_DRIVERS = ("cdc_ether", "cdc_eem", "cdc_ncm", "rndis_host", "cdc_subset", "zaurus")
TETHERING = {"18d1:4ee3", "18d1:4ee4", "18d1:4e13", "18d1:4e24", "04e8:6863", "04e8:6864",
             "0502:33c7", "0502:33c8", "0bb4:0ff8", "0fce:715a", "0fce:7166", "0fce:7177",
             "0fce:71f4", "0fce:81f4", "0fce:71f9", "1004:61da", "1004:61fe", "1004:6344",
             "1004:91c8", "12d1:1039", "17ef:7704", "17ef:7705", "2ae5:f005", "2b0e:171e"}


# ---- fnmatch(3), flags 0 --------------------------------------------------------------------

def fnmatch(pat, s):
    def bracket(p, i, c):
        """Returns (matched, index after ']') or None when the bracket is not closed."""
        j = i + 1
        neg = j < len(p) and p[j] in "!^"
        if neg:
            j += 1
        first = True
        ok = False
        while j < len(p) and (first or p[j] != "]"):
            first = False
            lo = p[j]
            if lo == "\\" and j + 1 < len(p):
                j += 1
                lo = p[j]
            if j + 2 < len(p) and p[j + 1] == "-" and p[j + 2] != "]":
                hi = p[j + 2]
                if hi == "\\" and j + 3 < len(p):
                    j += 1
                    hi = p[j + 2]
                if lo <= c <= hi:
                    ok = True
                j += 3
            else:
                if c == lo:
                    ok = True
                j += 1
        if j >= len(p):
            return None
        return (ok != neg, j + 1)

    def m(pi, si):
        while pi < len(pat):
            c = pat[pi]
            if c == "*":
                while pi < len(pat) and pat[pi] == "*":
                    pi += 1
                if pi == len(pat):
                    return True
                return any(m(pi, k) for k in range(si, len(s) + 1))
            if si >= len(s):
                return False
            if c == "?":
                pi, si = pi + 1, si + 1
                continue
            if c == "[":
                b = bracket(pat, pi, s[si])
                if b is not None:
                    if not b[0]:
                        return False
                    pi, si = b[1], si + 1
                    continue
                # an unclosed '[' is itself
            if c == "\\" and pi + 1 < len(pat):
                pi += 1
                c = pat[pi]
            if s[si] != c:
                return False
            pi, si = pi + 1, si + 1
        return si == len(s)

    return m(0, 0)


# ---- the rules ------------------------------------------------------------------------------

TOKEN = re.compile(r'\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse(text):
    rules = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        toks, pos = [], 0
        while pos < len(line):
            mt = TOKEN.match(line, pos)
            if not mt:
                raise SystemExit(f"rules line {n}: cannot parse at {line[pos:]!r}")
            key, attr, op, val = mt.group(1), mt.group(2), mt.group(3), mt.group(4)
            toks.append((key, attr, op, val.replace('\\"', '"')))
            pos = mt.end()
        rules.append((n, toks))
    return rules


def match_value(pattern, value):
    value = value or ""
    is_glob = any(ch in pattern for ch in "*?[")
    for alt in pattern.split("|"):
        if (fnmatch(alt, value) if is_glob else alt == value):
            return True
    return False


def substitute(val, env):
    return re.sub(r"\$env\{([^}]*)\}", lambda mt: env.get(mt.group(1), ""), val)


def evaluate(rules, env, is_usb):
    """Returns (env after the rules, tags, helper command or None)."""
    env = dict(env)
    tags = set()
    labels = {toks[0][3]: i for i, (n, toks) in enumerate(rules)
              if toks[0][0] == "LABEL"}
    i = 0
    while i < len(rules):
        n, toks = rules[i]
        i += 1
        ok = True
        for key, attr, op, val in toks:
            if op not in ("==", "!="):
                continue
            if key == "ACTION":
                got = env.get("ACTION", "")
            elif key == "SUBSYSTEM":
                got = env.get("SUBSYSTEM", "")
            elif key == "SUBSYSTEMS":
                # the parents' subsystems: only "usb" asked, only "==" written
                if op != "==" or val != "usb":
                    raise SystemExit(f"rules line {n}: SUBSYSTEMS{op}\"{val}\" not modelled")
                if not is_usb:
                    ok = False
                continue
            elif key == "ENV":
                got = env.get(attr, "")
            else:
                raise SystemExit(f"rules line {n}: match key {key} not modelled")
            if match_value(val, got) != (op == "=="):
                ok = False
        if not ok:
            continue
        goto = None
        for key, attr, op, val in toks:
            if op in ("==", "!="):
                continue
            if key == "ENV" and op == "=":
                v = substitute(val, env)
                if v:
                    env[attr] = v
                else:
                    env.pop(attr, None)
            elif key == "TAG" and op == "+=":
                tags.add(val)
            elif key == "IMPORT" and attr == "program":
                return env, tags, val
            elif key == "GOTO":
                goto = val
            elif key == "LABEL":
                pass
            else:
                raise SystemExit(f"rules line {n}: action {key}{op} not modelled")
        if goto is not None:
            if goto not in labels or labels[goto] < i - 1:
                raise SystemExit(f"rules line {n}: GOTO {goto} has no LABEL after it")
            i = labels[goto]
    return env, tags, None


# ---- the environments -----------------------------------------------------------------------

def fixture_env(path):
    env, net = {}, False
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("P: "):
                net = "/net/" in line
                if net:
                    env["DEVPATH"] = line[3:]
                    env["ACTION"] = "add"
                continue
            if not line:
                if net:
                    break
                continue
            if net and line.startswith("E: "):
                k, _, v = line[3:].partition("=")
                env[k] = v
    return env


def env_file(path):
    env = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            if k:
                env[k] = v
    return env


def made_envs(fixtures):
    """Environments that take the branches the fixtures do not."""
    fob = fixtures["fixture-fobnail-1234-4321"]
    n900 = fixtures["fixture-nokia-n900-0421-01c8"]
    out = {}

    def variant(name, base, **kv):
        e = dict(base)
        for k, v in kv.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        out["made-" + name] = e

    # the helper's fallbacks, which the rules leave to it
    variant("no-usb-driver", n900, ID_USB_DRIVER=None)
    variant("no-usb-driver-not-peer", n900, ID_USB_DRIVER=None, ID_NET_DRIVER="r8152")
    variant("upper-ids", n900, ID_VENDOR_ID="0421", ID_MODEL_ID="01C8")
    variant("0x-ids", n900, ID_VENDOR_ID="0x0421")
    variant("fob-no-enc", fob, ID_MODEL_ENC=None)
    variant("fob-no-product", fob, ID_MODEL_ENC=None, ID_USB_MODEL_ENC=None, ID_MODEL=None)
    variant("fob-odd-enc", fob, ID_MODEL_ENC="Fob\\x6eail")
    variant("fob-odd-enc-2", fob, ID_MODEL_ENC="\\x46obnail")
    variant("serial-usb-only", n900, ID_SERIAL_SHORT=None)
    # what the rules decide themselves
    variant("fob-other", fob, ID_MODEL_ENC="Fobnail\\x20Pro")
    variant("fob-raw", fob, ID_MODEL_ENC="Fobnail")
    variant("fob-hex-product", fob, ID_MODEL_ENC="4321")
    variant("long-name", n900, INTERFACE="enx229bb35186080")
    variant("no-name", n900, INTERFACE=None)
    variant("not-peer", n900, ID_USB_DRIVER="r8152", ID_NET_DRIVER="r8152")
    variant("n900-odd-product", n900, ID_MODEL_ENC="N900 (PC-Suite Mode)")
    variant("gadget-space", n900, ID_VENDOR_ID="1209", ID_MODEL_ID="0001",
            ID_MODEL_ENC="Linux\\x20USB\\x20Ethernet\\x2fRNDIS\\x20Gadget",
            ID_SERIAL_SHORT="UNK0001", ID_NET_NAME_MAC="enx0a1b2c3d4e5f")
    variant("gadget-glob", n900, ID_VENDOR_ID="1209", ID_MODEL_ID="0002",
            ID_MODEL_ENC="Glob\\x2a", ID_SERIAL_SHORT="G*1")
    variant("remove", n900, ACTION="remove")
    # tethering phones: claimed by a [peer] group or left to NetworkManager (configs' "phones")
    phone = fixtures["fixture-android-tethering-18d1-4ee3"]
    variant("phone-adb", phone, ID_MODEL_ID="4ee4", ID_SERIAL_SHORT="SNADB",
            ID_USB_SERIAL_SHORT="SNADB")
    variant("phone-mac", phone, ID_MODEL_ID="4e24", ID_SERIAL_SHORT=None,
            ID_USB_SERIAL_SHORT=None, ID_NET_NAME_MAC="enx0a1b2c3d4e61")
    variant("phone-ignore", phone, ID_VENDOR_ID="0fce", ID_MODEL_ID="71f4",
            ID_SERIAL_SHORT="SNIGN", ID_USB_SERIAL_SHORT="SNIGN")
    variant("phone-ncm", phone, ID_USB_DRIVER="cdc_ncm", ID_NET_DRIVER="cdc_ncm",
            ID_VENDOR_ID="04e8", ID_MODEL_ID="6863", ID_SERIAL_SHORT="SNSAM",
            ID_USB_SERIAL_SHORT="SNSAM")
    variant("phone-other", phone, ID_SERIAL_SHORT="SNOTHER", ID_USB_SERIAL_SHORT="SNOTHER")
    variant("phone-serial-usb-only", phone, ID_SERIAL_SHORT=None)
    return out


def ids_canonical(e):
    return all(re.fullmatch(r"[0-9a-f]{4}", e.get(k, "")) for k in ("ID_VENDOR_ID", "ID_MODEL_ID"))


def usb_id(e):
    return f'{e.get("ID_VENDOR_ID", "")}:{e.get("ID_MODEL_ID", "")}'


def expressible(v):
    return len(v) <= 122 and all(0x20 <= ord(ch) <= 0x7e and ch not in '*?[|"\\$%' for ch in v)


def canon(v):
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "#+-.:=@_") else "\\x%02x" % ord(ch)
                   for ch in v)


def product_state(v, e):
    """A product= (or the Fobnail profile's product) on a branch whose other keys matched:
    "helper", "yes" or "no". The helper is intended where ID_MODEL_ENC is empty and a
    fallback is not, and where
    another encoding could decode to v: a backslash, and v's first two characters raw or as
    \\xNN (either case)."""
    if not expressible(v):
        return "helper"
    enc = e.get("ID_MODEL_ENC", "")
    if enc == "" and (e.get("ID_USB_MODEL_ENC") or e.get("ID_MODEL")):
        return "helper"

    def unit(ch):
        return "(?:" + re.escape(ch) + "|\\\\x" + "".join(
            f"[{d}{d.upper()}]" if d.isalpha() else d for d in "%02x" % ord(ch)) + ")"
    if "\\" in enc and enc != canon(v) and re.match("".join(unit(ch) for ch in v[:2]), enc):
        return "helper"
    if enc not in (canon(v), v):
        return "no"
    if re.fullmatch(r"[0-9a-f]{4}", v) and e.get("ID_MODEL_ID") == v:
        return "no"
    return "yes"


def group_state(g, e):
    """A [peer] group against a device as the rules are meant to take it: "no", "yes" or
    "helper" (a value or an environment a rule cannot match exactly)."""
    if "usb" in g and usb_id(e) != g["usb"]:
        return "no"
    if "driver" in g and e.get("ID_USB_DRIVER") != g["driver"]:
        return "no"
    if "mac" in g and e.get("ID_NET_NAME_MAC", "").lower() != "enx" + g["mac"].replace(":", "").lower():
        return "no"
    if "serial" in g:
        if not expressible(g["serial"]):
            return "helper"
        if not e.get("ID_SERIAL_SHORT") and e.get("ID_USB_SERIAL_SHORT"):
            return "helper"
        if e.get("ID_SERIAL_SHORT", "") != g["serial"]:
            return "no"
    if "product" in g:
        return product_state(g["product"], e)
    return "yes"


def claims(g):
    """A group that names a device (usb=, serial=, mac=): the only kind that claims an
    upstream device (a tethering phone) when it is the first to match."""
    return any(k in g for k in ("usb", "serial", "mac"))


def intended_helper(groups, e):
    """Where the rules are meant to run the helper: a peer driver only in ID_NET_DRIVER, IDs
    not as usb_id writes them, the Fobnail profile's product or a group's value or
    environment a rule cannot match exactly (groups in their order: the first that matches
    ends it)."""
    if e.get("ACTION") == "remove" or e.get("SUBSYSTEM") != "net":
        return False
    if not 0 < len(e.get("INTERFACE", "")) < 16:
        return False
    # udev reads an empty property as an unset one: the helper tells them apart
    if not e.get("ID_USB_DRIVER"):
        return e.get("ID_NET_DRIVER") in PEER_DRIVERS
    if e["ID_USB_DRIVER"] not in PEER_DRIVERS:
        return False
    if not ids_canonical(e):
        return True
    # a tethering phone is left at once unless a group could claim it (one naming a device)
    if usb_id(e) in TETHERING and not any(claims(g) for g in groups):
        return False
    if usb_id(e) == "1234:4321" and e.get("ID_USB_DRIVER") == "cdc_eem" and \
            product_state("Fobnail", e) == "helper":
        return True
    for g in groups:
        if g.get("driver", "cdc_ether") not in PEER_DRIVERS:
            continue
        st = group_state(g, e)
        if st != "no":
            return st == "helper"
    return False


# ---- the configurations ---------------------------------------------------------------------

def configs(tmp, envs):
    """name -> (path, [peer] groups as dicts, for intended_helper)."""
    c = {}

    def conf(name, groups, general=""):
        text = general + "".join(
            f"[peer {g['name']}]\n" + "".join(f"{k}={v}\n" for k, v in g.items() if k != "name")
            + "\n" for g in groups)
        path = os.path.join(tmp, name + ".conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        c[name] = (path, groups)

    conf("empty", [])
    conf("auto-none", [], "[general]\nauto=none\n")
    c["broken"] = (os.path.join(tmp, "broken.conf"), [])
    with open(c["broken"][0], "w") as f:
        f.write("[peer x]\nusb=zz\n")
    c["missing"] = (os.path.join(tmp, "missing.conf"), [])
    # groups by what the environments carry, as test-udev-helper.sh's
    groups, n = [], 0
    modes = ("static", "gateway", "ignore", "dhcp", "bridge", "auto")
    for name in sorted(envs):
        e = envs[name]
        if not name.startswith(("fixture-", "profile-")):
            continue
        vid, pid = e.get("ID_VENDOR_ID"), e.get("ID_MODEL_ID")
        ser = e.get("ID_SERIAL_SHORT")
        if not vid or not pid:
            continue
        n += 1
        if ser and n % 2:
            groups.append({"name": f"s{n}", "serial": ser, "mode": modes[n % 6]})
        elif n % 3 == 0:
            groups.append({"name": f"u{n}", "usb": f"{vid}:{pid}",
                           "address": f"10.77.{n}.1/24", "peer": f"10.77.{n}.2"})
    groups.append({"name": "ncm", "driver": "cdc_ncm", "address": "10.78.0.1/24"})
    groups.append({"name": "fob", "product": "Fobnail", "mode": "gateway"})
    conf("groups", groups)
    conf("groups-auto-none", groups, "[general]\nauto=none\n\n")
    # every match key, a space in a product, a MAC, a group naming a tethering phone, groups
    # without mode= for a profile's device and for others, a driver= that is no peer driver,
    # a product that reads as the product ID
    keys = [
        {"name": "phone", "usb": "18d1:4ee3", "mode": "static", "address": "10.79.0.1/24"},
        {"name": "nodriver", "driver": "r8152", "mode": "static", "address": "10.79.1.1/24"},
        {"name": "mac", "mac": "0A:1B:2C:3D:4E:5F", "mode": "gateway"},
        {"name": "n900", "product": "N900 (PC-Suite Mode)", "mode": "bridge"},
        {"name": "maemo", "usb": "0525:a4a1"},
        {"name": "fobserial", "serial": "TEST", "driver": "cdc_eem", "address": "10.79.2.1/24"},
        {"name": "plain", "usb": "1d6b:0104", "serial": "PMOS0001"},
        {"name": "dhcp", "driver": "rndis_host", "mode": "dhcp"},
        {"name": "hexprod", "product": "4321", "mode": "static", "address": "10.79.3.1/24"},
        {"name": "other", "usb": "1209:0001", "address": "10.79.4.1/24"},
    ]
    conf("keys", keys)
    conf("keys-auto-none", keys, "[general]\nauto=none\n\n")
    # values a rule cannot match exactly (a glob character, a non-ASCII letter): those groups'
    # branches run the helper; and a product with spaces and a '/' that the rules match
    fallback = [
        {"name": "glob", "usb": "1209:0002", "product": "Glob*", "mode": "gateway"},
        {"name": "gserial", "driver": "cdc_ncm", "serial": "G*1", "mode": "static",
         "address": "10.80.0.1/24"},
        {"name": "umlaut", "usb": "0525:a4a1", "product": "Gerät", "mode": "bridge"},
        {"name": "space", "product": "Linux USB Ethernet/RNDIS Gadget", "mode": "gateway"},
    ]
    conf("fallback", fallback)
    # tethering phones: claimed by serial=, usb= (no mode=, no address: auto), mac=, one
    # claimed as ignore; left to NetworkManager where the first group to match does not name
    # the device (driver=, product=), or none matches (PHONES below says what each gets)
    phones = [
        {"name": "ncm-gadgets", "driver": "cdc_ncm", "mode": "dhcp"},
        {"name": "lab-phone", "serial": "SNPHONE", "address": "10.79.0.1/24", "peer": "10.79.0.2"},
        {"name": "adb-phone", "usb": "18d1:4ee4"},
        {"name": "mac-phone", "mac": "0A:1B:2C:3D:4E:61", "mode": "gateway"},
        {"name": "ignored-phone", "serial": "SNIGN", "mode": "ignore"},
        {"name": "sam", "usb": "04e8:6863", "mode": "static", "address": "10.79.5.1/24"},
        {"name": "pixels", "product": "Pixel 7", "mode": "bridge"},
    ]
    conf("phones", phones)
    conf("phones-auto-none", phones, "[general]\nauto=none\n\n")
    return c


# What udev-probe and the rules must give the phones: claimed (tagged, and NM_UNMANAGED=1 in
# an owned mode), or nothing at all (NetworkManager's, as an unclaimed phone always was).
CLAIMED = {"USBNET_HOST_AUTO": "1", "NM_UNMANAGED": "1"}
PHONES = {
    "fixture-android-tethering-18d1-4ee3": dict(CLAIMED, USBNET_HOST_MODE="static"),
    "made-phone-adb": dict(CLAIMED, USBNET_HOST_MODE="auto"),
    "made-phone-mac": dict(CLAIMED, USBNET_HOST_MODE="gateway"),
    "made-phone-ignore": {"USBNET_HOST_MODE": "ignore", "USBNET_HOST_AUTO": "0"},
    "made-phone-serial-usb-only": dict(CLAIMED, USBNET_HOST_MODE="static"),
    "made-phone-ncm": {},
    "made-phone-other": {},
}


# ---- the comparison -------------------------------------------------------------------------

def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    bin_, gen, src, tmp = sys.argv[1:]
    fails = []
    envs = {}
    fixdir = os.path.join(src, "tests/fixtures/umockdev")
    for f in sorted(os.listdir(fixdir)):
        if f.endswith(".umockdev"):
            envs["fixture-" + f[:-len(".umockdev")]] = fixture_env(os.path.join(fixdir, f))
    envdir = os.path.join(tmp, "profile-envs")
    os.makedirs(envdir, exist_ok=True)
    subprocess.run([gen, envdir], check=True, stdout=subprocess.DEVNULL)
    for f in sorted(os.listdir(envdir)):
        envs["profile-" + f[:-len(".env")]] = env_file(os.path.join(envdir, f))
    envs.update(made_envs(envs))
    for e in envs.values():  # what the rules set starts unset, as on a first event
        for k in KEYS:
            e.pop(k, None)
    confs = configs(tmp, envs)
    run = os.path.join(tmp, "run")  # none: the commands need no run directory

    counts = {"compared": 0, "helper": 0, "rules": 0, "unmanaged": 0, "tagged": 0, "silent": 0,
              "phones": 0}
    for cname, (cpath, groups) in sorted(confs.items()):
        r = subprocess.run([bin_, "udev-rules", "--config", cpath], capture_output=True,
                           text=True, env={"PATH": os.environ.get("PATH", ""),
                                           "USBNET_HOST_RUN_DIR": run})
        if r.returncode != 0:
            fails.append(f"{cname}: udev-rules exited {r.returncode}: {r.stderr.strip()}")
            continue
        broken = cname in ("broken", "missing")
        if broken != ("configuration error" in r.stderr):
            fails.append(f"{cname}: udev-rules said [{r.stderr.strip()}]")
        if not broken and r.stderr:
            fails.append(f"{cname}: udev-rules said [{r.stderr.strip()}]")
        imports = [ln for ln in r.stdout.splitlines() if "IMPORT{program}" in ln]
        if len(imports) != 1 or not re.fullmatch(
                r'IMPORT\{program\}="/\S*/udev-probe --config=' + re.escape(cpath) + '"',
                imports[0]):
            fails.append(f"{cname}: the helper lines are {imports}")
        rules = parse(r.stdout)
        for ename, e in sorted(envs.items()):
            p = subprocess.run([bin_, "udev-probe", "--config", cpath], capture_output=True,
                               text=True, env=dict(e, USBNET_HOST_RUN_DIR=run))
            if p.returncode != 0:
                fails.append(f"{ename} with {cname}: udev-probe exited {p.returncode}")
                continue
            want = dict(ln.split("=", 1) for ln in p.stdout.splitlines())
            is_usb = "/usb" in e.get("DEVPATH", "")
            if e.get("ACTION") == "remove" or not is_usb:
                want = {}  # the packaged rule runs no helper then
            got_env, tags, helper = evaluate(rules, e, is_usb)
            counts["compared"] += 1
            what = f"{ename} with {cname}"
            if ename in PHONES and (cname.startswith("phones") or cname == "empty"):
                expected = PHONES[ename] if cname.startswith("phones") else {}
                if want != expected:
                    fails.append(f"{what}: udev-probe {want}, expected {expected}")
                counts["phones"] += bool(expected.get("NM_UNMANAGED"))
            if helper is not None:
                counts["helper"] += 1
                if not intended_helper(groups, e):
                    fails.append(f"{what}: the rules run the helper, not intended")
                continue
            counts["rules"] += 1
            if intended_helper(groups, e):
                fails.append(f"{what}: the helper was intended, the rules answered")
            got = {k: got_env[k] for k in KEYS if k in got_env}
            if got != want:
                fails.append(f"{what}: udev-probe {want}, the rules {got}")
            if ("usbnet-host" in tags) != (want.get("USBNET_HOST_AUTO") == "1"):
                fails.append(f"{what}: tagged {sorted(tags)}, udev-probe {want}")
            counts["unmanaged"] += want.get("NM_UNMANAGED") == "1"
            counts["tagged"] += "usbnet-host" in tags
            counts["silent"] += not want
    for f in fails:
        print("FAIL:", f)
    print("compared {compared}: the rules answered {rules} ({unmanaged} NM_UNMANAGED=1, "
          "{tagged} tagged, {silent} with no properties), the helper {helper}; "
          "{phones} claimed phones; ".format(**counts)
          + f"{len(fails)} failures")
    for k in ("rules", "helper", "unmanaged", "tagged", "silent", "phones"):
        if counts[k] == 0:
            print(f"FAIL: no comparison counted as {k}")
            fails.append(k)
    return 1 if fails else 0

if __name__ == "__main__":
    sys.exit(main())
