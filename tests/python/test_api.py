"""The Python module against the command line: the CLI is the golden reference.

Every number asserted here comes from running the `orrery` binary on the same arguments
(ORRERY_BINARY, set by ctest) and reading its JSON report or its one-line error.
"""
import json
import os
import subprocess
import tempfile
import unittest

import orrery

ROOT = os.environ.get("ORRERY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("ORRERY_BINARY", "orrery")


def cli(*args):
    """Runs `orrery ARGS` in the repository root: (exit code, stdout, stderr)."""
    p = subprocess.run([BINARY, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return p.returncode, p.stdout, p.stderr


class PythonApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.chdir(ROOT)  # relative paths as on the command line

    def test_simulate_equals_the_cli_report(self):
        # The example: ResNet-50, batch 8, H100 with the SM clock capped by --set.
        r = orrery.simulate(arch="configs/gpu/h100_sxm.yaml", model="resnet50", batch=8,
                            set={"clock.max_mhz": 1700})
        code, out, err = cli("simulate", "--arch", "configs/gpu/h100_sxm.yaml", "--model", "resnet50",
                             "--batch", "8", "--set", "clock.max_mhz=1700", "--format", "json")
        self.assertEqual(code, 0, err)
        golden = json.loads(out)
        self.assertEqual(r.report, golden)
        self.assertEqual(r.json(), out)  # byte for byte
        self.assertEqual(r["total"]["cycles"], golden["total"]["cycles"])
        self.assertEqual(r["total"]["seconds"], golden["total"]["seconds"])
        self.assertIn("layers", r)

    def test_layers_frame_has_one_row_per_layer(self):
        r = orrery.simulate(arch="configs/systolic/edge_32x32.yaml", model="resnet18", dtype="int8")
        df = r.layers_frame()
        layers = r["layers"]
        self.assertEqual(len(df), len(layers))
        self.assertEqual(list(df["name"]), [l["name"] for l in layers])
        self.assertEqual(int(df["macs"].sum()), r["total"]["macs"])
        self.assertEqual(int(df["dram_read_bytes"].sum()), r["total"]["dram_read_bytes"])

    def test_other_cli_options_are_keywords(self):
        # --op, --fidelity, --mapper, --objective as keywords; underscores for dashes.
        args = dict(arch="configs/systolic/tpu_v1.yaml", op="gemm:M=256,N=128,K=512,dtype=int8",
                    mapper="search", objective="energy")
        r = orrery.simulate(**args)
        code, out, err = cli("simulate", "--arch", args["arch"], "--op", args["op"], "--mapper", "search",
                             "--objective", "energy", "--format", "json")
        self.assertEqual(code, 0, err)
        self.assertEqual(r.report, json.loads(out))
        self.assertEqual(r["mapper"], "search")

    def test_cycle_fidelity_runs_twice_in_one_process(self):
        # SystemC elaborates once per process; each cycle run happens in a forked child, so the
        # interpreter can run any number of them, each equal to the CLI's.
        spec = "gemm:M=128,N=64,K=256,dtype=int8"
        code, out, err = cli("simulate", "--arch", "configs/systolic/edge_32x32.yaml", "--op", spec,
                             "--fidelity", "cycle", "--format", "json")
        self.assertEqual(code, 0, err)
        golden = json.loads(out)
        for _ in range(2):
            r = orrery.simulate(arch="configs/systolic/edge_32x32.yaml", op=spec, fidelity="cycle")
            self.assertEqual(r["fidelity"], "cycle")
            self.assertEqual(r["total"], golden["total"])
        gpu = orrery.simulate(arch="configs/gpu/h100_sxm.yaml", op="gemm:M=1024,N=1024,K=1024,dtype=fp16",
                              fidelity="cycle")
        self.assertGreater(gpu["total"]["cycles"], 0)

    def test_bad_key_raises_the_cli_line(self):
        with self.assertRaises(orrery.Error) as ctx:
            orrery.simulate(arch="configs/gpu/h100_sxm.yaml", model="resnet50", set={"clock.maxx_mhz": 1700})
        code, _, err = cli("simulate", "--arch", "configs/gpu/h100_sxm.yaml", "--model", "resnet50", "--set",
                           "clock.maxx_mhz=1700")
        self.assertEqual(code, 2)
        self.assertEqual(str(ctx.exception), err.rstrip("\n"))
        self.assertIn("clock.maxx_mhz", str(ctx.exception))
        self.assertIsInstance(ctx.exception, ValueError)

    def test_bad_arguments_raise_the_cli_line(self):
        cases = [
            (dict(arch="configs/gpu/h100_sxm.yaml", model="resnet51"),
             ["--arch", "configs/gpu/h100_sxm.yaml", "--model", "resnet51"]),
            (dict(arch="configs/gpu/h100_sxm.yaml", model="resnet50", fidelity="exact"),
             ["--arch", "configs/gpu/h100_sxm.yaml", "--model", "resnet50", "--fidelity", "exact"]),
            (dict(arch="configs/nope.yaml", model="resnet50"), ["--arch", "configs/nope.yaml", "--model", "resnet50"]),
            (dict(model="resnet50"), ["--model", "resnet50"]),  # --arch is required
            # A newline and a bell in a value come back escaped: still one line (common/escape.hpp).
            (dict(arch="configs/gpu/h100_sxm.yaml", model="no\nsuch\x07net"),
             ["--arch", "configs/gpu/h100_sxm.yaml", "--model", "no\nsuch\x07net"]),
        ]
        for kwargs, argv in cases:
            with self.subTest(argv=argv):
                with self.assertRaises(orrery.Error) as ctx:
                    orrery.simulate(**kwargs)
                code, _, err = cli("simulate", *argv)
                self.assertEqual(code, 2)
                self.assertEqual(str(ctx.exception), err.rstrip("\n"))
                self.assertNotIn("\n", str(ctx.exception))
        self.assertIn("unknown model 'no\\nsuch\\x07net'", str(ctx.exception))  # the last case
        with self.assertRaises(orrery.Error) as ctx:
            orrery.simulate(arch="configs/gpu/h100_sxm.yaml", model="resnet50", frobnicate=1)
        self.assertIn("--frobnicate", str(ctx.exception))

    def test_sweep_returns_one_row_per_point(self):
        spec = {
            "name": "py_sweep",
            "base": "configs/systolic/edge_32x32.yaml",
            "axes": {"array.rows,array.cols": [8, 16, 32], "dataflow": ["ws", "os"]},
            "workloads": [{"op": "gemm:M=64,N=64,K=64,dtype=int8"}],
            "objectives": {"seconds": "min", "energy_j": "min", "area_mm2": "min"},
        }
        df = orrery.sweep(spec, jobs=2)
        self.assertEqual(len(df), 6)
        self.assertTrue((df["status"] == "ok").all())
        # Each row's cycles are the CLI's for that point.
        for _, row in df.iterrows():
            size = int(float(row["array.rows,array.cols"]))
            code, out, err = cli("simulate", "--arch", "configs/systolic/edge_32x32.yaml", "--op",
                                 "gemm:M=64,N=64,K=64,dtype=int8", "--set", f"array.rows={size}", "--set",
                                 f"array.cols={size}", "--set", f"dataflow={row['dataflow']}", "--format", "json")
            self.assertEqual(code, 0, err)
            self.assertEqual(int(row["cycles"]), json.loads(out)["total"]["cycles"])
        front = df.attrs["pareto"]
        self.assertGreaterEqual(len(front), 1)
        self.assertLessEqual(len(front), 6)

    def test_sweep_from_a_file_and_its_errors(self):
        # A spec file: its base is relative to the file, its database goes where db= says.
        with tempfile.TemporaryDirectory() as tmp:
            spec = os.path.join(tmp, "spec.yaml")
            base = os.path.relpath(os.path.join(ROOT, "configs/systolic/edge_32x32.yaml"), tmp)
            with open(spec, "w") as f:
                f.write(f"name: file_sweep\nbase: {base}\naxes:\n  dataflow: [ws, os, is]\n"
                        "workloads:\n  - op: gemm:M=32,N=32,K=32,dtype=int8\n")
            db = os.path.join(tmp, "results.sqlite")
            df = orrery.sweep(spec, jobs=1, db=db)
            self.assertEqual(list(df["dataflow"]), ["ws", "os", "is"])
            self.assertTrue(os.path.exists(db))
            again = orrery.sweep(spec, jobs=1, db=db, resume=True)  # nothing left to run
            self.assertEqual(list(again["cycles"]), list(df["cycles"]))
        with self.assertRaises(orrery.Error) as ctx:
            orrery.sweep({"name": "bad", "base": "configs/systolic/edge_32x32.yaml",
                          "axes": {"array.rowz": [8]}, "workloads": [{"op": "gemm:M=8,N=8,K=8"}]})
        self.assertIn("array.rowz", str(ctx.exception))
        with self.assertRaises(orrery.Error) as ctx:
            orrery.sweep("configs/sweeps/systolic_quick.yaml", jobs=-1)
        code, _, err = cli("sweep", "configs/sweeps/systolic_quick.yaml", "--jobs", "-1")
        self.assertEqual(code, 2)
        self.assertEqual(str(ctx.exception), err.rstrip("\n"))

    def test_lists(self):
        models = orrery.list_models()
        self.assertIn("resnet50", models)
        self.assertIn("gcn", models)
        configs = orrery.list_configs()
        self.assertTrue(any(c.endswith("configs/gpu/h100_sxm.yaml") for c in configs))
        cfg = orrery.resolved_config("configs/gpu/h100_sxm.yaml", set={"clock.max_mhz": 1700})
        self.assertEqual(cfg["clock.max_mhz"], 1700)
        self.assertEqual(cfg["sm.count"], 132)


if __name__ == "__main__":
    unittest.main()
