"""The op list format shared by the validation scripts (no torch needed).

Op list lines: `<spec> [split] [E]`, '#' starts a comment (see make_op_list.py).
"""

CSV_COLUMNS = ["spec", "kind", "dtype", "device", "median_us", "min_us", "max_us", "reps", "sm_clock_mhz",
               "energy_j", "avg_power_w", "energy_reps", "kernel", "dram_read_bytes", "dram_write_bytes", "split"]


def read_op_list(path):
    """[(index, spec, split, energy_flag)] in file order; index matches orrery_measure's."""
    out = []
    with open(path) as f:
        for raw in f:
            words = raw.split("#", 1)[0].split()
            if not words:
                continue
            split = next((w for w in words[1:] if w != "E"), "")
            out.append((len(out), words[0], split, "E" in words[1:]))
    return out


def parse_spec(spec):
    kind, _, rest = spec.partition(":")
    args = {}
    for item in rest.split(","):
        if item:
            k, _, v = item.partition("=")
            args[k.strip()] = v.strip()
    return kind, args
