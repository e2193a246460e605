// The Python module `orrery`: the command line's simulate, sweep and list in-process.
// Keyword arguments are turned into the CLI's own arguments and parsed by the CLI's own option
// declarations (sim/cli/simulate.hpp, sim/cli/sweep.hpp), so every option of `orrery simulate`
// is a keyword here (`search_time=0.2` is `--search-time 0.2`), with the same checks, the same
// defaults and the same one-line errors: bad input raises orrery.Error (a ValueError) whose
// message is exactly the line the CLI prints. Reports come back as the CLI's JSON report,
// converted to Python objects. No state is kept between calls; cycle-fidelity runs happen in
// forked children (arch/isolated_run), so a process may run any number of them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "arch/registry.hpp"
#include "common/error.hpp"
#include "sim/cli/simulate.hpp"
#include "sim/cli/sweep.hpp"
#include "sim/report.hpp"
#include "sim/sweep/evaluator.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/spec.hpp"
#include "workloads/zoo/registry.hpp"

namespace py = pybind11;

// libsystemc.so calls sc_main (extern "C", as <systemc> declares it) from its own main(); the
// module never enters SystemC that way, but the interpreter loads the library with every symbol
// resolved, so the module defines it.
extern "C" __attribute__((visibility("default"))) int sc_main(int, char*[]) { return 0; }

namespace orrery::python {
namespace {

// Bad input: the CLI's one line (exit 2). Raised in Python as orrery.Error.
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// An internal fault (the CLI's "internal error", exit 1). Raised as orrery.InternalError.
struct InternalFault : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs `body` (without the GIL where it says so) and turns orrery's errors into the CLI's lines.
template <class F>
auto cli_call(F&& body) {
  try {
    return body();
  } catch (const CLI::ParseError& e) {
    throw BadInput("orrery: " + escape_control(e.what()));
  } catch (const InputError& e) {
    throw BadInput(std::string("orrery: ") + e.what());
  } catch (const SimulationError& e) {
    throw InternalFault(std::string("orrery: internal error: ") + e.what());
  }
}

// A keyword value as command-line text: booleans as true/false, paths by os.fspath, the rest by
// str() (so 1700 is "1700" and 0.5 is "0.5").
std::string text_of(const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  if (py::hasattr(v, "__fspath__")) return py::str(v.attr("__fspath__")());
  return py::str(v);
}

// Keyword arguments as the CLI's arguments: name_with_underscores=value is --name-with-underscores
// value; a list repeats the option; True/False switch a flag; None leaves the option out;
// set={"key.path": value} is --set key.path=value for each item.
std::vector<std::string> cli_arguments(const py::kwargs& kwargs, const CLI::App& app) {
  std::vector<std::string> args;
  for (const auto& [key, value] : kwargs) {
    const std::string k = py::str(key);
    std::string name = "--" + k;
    for (char& c : name)
      if (c == '_') c = '-';
    if (value.is_none()) continue;
    if (k == "set" && py::isinstance<py::dict>(value)) {
      for (const auto& [path, v] : value.cast<py::dict>()) {
        args.push_back(name);
        args.push_back(std::string(py::str(path)) + "=" + text_of(v));
      }
      continue;
    }
    const CLI::Option* option = app.get_option_no_throw(name);
    if (option && option->get_expected_max() == 0 && py::isinstance<py::bool_>(value)) {  // a flag
      if (value.cast<bool>()) args.push_back(name);
      continue;
    }
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
      for (const auto& item : value) {
        args.push_back(name);
        args.push_back(text_of(item));
      }
      continue;
    }
    args.push_back(name);
    args.push_back(text_of(value));
  }
  return args;
}

void parse(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<const char*> argv{"orrery"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
}

// nlohmann::json -> Python objects (dict, list, int, float, str, bool, None).
py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = to_python(v);
      return d;
    }
    case nlohmann::json::value_t::array: {
      py::list l;
      for (const auto& v : j) l.append(to_python(v));
      return l;
    }
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    default:
      return py::none();
  }
}

// One simulation's report: the CLI's JSON report as Python objects.
struct PyReport {
  py::dict report;
  std::string json_text;  // byte for byte what `orrery simulate --format json` prints
};

std::string simulate_help() {
  CLI::App app{"orrery.simulate", "simulate"};
  sim::cli::SimulateArgs args;
  sim::cli::add_simulate_options(app, args);
  return app.help();
}

PyReport simulate(const py::kwargs& kwargs) {
  return cli_call([&] {
    CLI::App app{"simulate", "simulate"};
    app.set_help_flag();
    sim::cli::SimulateArgs args;
    sim::cli::add_simulate_options(app, args);
    parse(app, cli_arguments(kwargs, app));
    std::ostringstream text;
    {
      py::gil_scoped_release no_gil;
      sim::write_json(text, sim::cli::run_simulation(args));
    }
    PyReport r;
    r.json_text = text.str();
    r.report = to_python(nlohmann::json::parse(r.json_text));
    return r;
  });
}

// A temporary directory removed when the sweep is done (for a sweep without db=).
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "orrery_sweep_XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw UsageError("sweep: cannot create a temporary directory");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// A table of the database as {column: [values]} in row order.
nlohmann::json read_table(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  nlohmann::json columns = nlohmann::json::object();
  std::vector<std::string> names;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw UsageError("sweep: cannot read the results database '" + db_path + "'");
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    const int n = sqlite3_column_count(st);
    for (int c = 0; c < n; ++c) {
      names.emplace_back(sqlite3_column_name(st, c));
      columns[names.back()] = nlohmann::json::array();
    }
    while (sqlite3_step(st) == SQLITE_ROW)
      for (int c = 0; c < n; ++c) {
        auto& col = columns[names[c]];
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_INTEGER:
            col.push_back(static_cast<int64_t>(sqlite3_column_int64(st, c)));
            break;
          case SQLITE_FLOAT:
            col.push_back(sqlite3_column_double(st, c));
            break;
          case SQLITE_NULL:
            col.push_back(nullptr);
            break;
          default:
            col.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))));
        }
      }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return {{"names", names}, {"columns", columns}};
}

py::object frame(const nlohmann::json& table) {
  py::module_ pandas = py::module_::import("pandas");
  py::dict data;
  for (const auto& name : table.at("names")) {
    const std::string n = name.get<std::string>();
    data[py::str(n)] = to_python(table.at("columns").at(n));
  }
  py::list order;
  for (const auto& name : table.at("names")) order.append(py::str(name.get<std::string>()));
  return pandas.attr("DataFrame")(data, py::arg("columns") = order);
}

py::object sweep(const py::object& spec, const py::kwargs& kwargs) {
  const bool from_dict = py::isinstance<py::dict>(spec);
  // A dict is written as JSON text, which the spec parser reads as the YAML it is.
  const std::string spec_text =
      from_dict ? py::str(py::module_::import("json").attr("dumps")(spec, py::arg("indent") = 1)) : "";
  nlohmann::json results, front;
  std::string summary;
  cli_call([&] {
    CLI::App app{"sweep", "sweep"};
    app.set_help_flag();
    sim::cli::SweepArgs args;
    sim::cli::add_sweep_options(app, args);
    std::vector<std::string> argv;
    if (!from_dict) argv.push_back(text_of(spec));
    for (auto& a : cli_arguments(kwargs, app)) argv.push_back(std::move(a));
    parse(app, argv);
    sim::sweep::RunSettings settings = sim::cli::run_settings(args);
    py::gil_scoped_release no_gil;
    const auto env = sim::sweep::registry_env();
    const sim::sweep::SweepSpec s =
        from_dict
            ? sim::sweep::parse_spec_text(spec_text, "<dict>", std::filesystem::current_path().string(), env)
            : sim::sweep::load_spec(args.spec, env);
    const arch::Family* family = arch::find_family(s.base->family());
    sim::sweep::Evaluator evaluator(s, *family, sim::sweep::load_graphs(s));
    std::optional<TempDir> tmp;
    if (args.db.empty()) tmp.emplace();
    settings.db_path = tmp ? (tmp->path / "sweep.sqlite").string() : args.db;
    std::ostringstream out, progress;
    const auto run = sim::sweep::run_sweep(evaluator, settings, out, progress);
    if (run.interrupted) throw UsageError("sweep: interrupted");
    summary = out.str();
    results = read_table(settings.db_path, "SELECT * FROM results ORDER BY point, workload");
    front = read_table(settings.db_path, "SELECT * FROM pareto");
    return 0;
  });
  py::object df = frame(results);
  df.attr("attrs")["pareto"] = frame(front);
  df.attr("attrs")["summary"] = summary;
  return df;
}

py::dict resolved_config(const std::string& arch_file, const py::kwargs& kwargs) {
  return cli_call([&] {
    std::vector<config::Override> overrides;
    for (const auto& [key, value] : kwargs) {
      const std::string k = py::str(key);
      if (k != "set") throw UsageError("resolved_config: unexpected argument '" + k + "' (expected set=)");
      if (value.is_none()) continue;
      for (const auto& [path, v] : value.cast<py::dict>())
        overrides.push_back(config::parse_override(std::string(py::str(path)) + "=" + text_of(v)));
    }
    return to_python(arch::load_arch(arch_file, overrides).to_json()).cast<py::dict>();
  });
}

std::vector<std::string> list_models() {
  std::vector<std::string> names;
  for (const auto& m : workloads::zoo::models()) names.push_back(m.name);
  return names;
}

// The shipped architecture configs (configs/<family>/<design>.yaml), absolute paths.
std::vector<std::string> list_configs() {
  std::vector<std::string> out;
  const std::filesystem::path dir = std::filesystem::path(ORRERY_SOURCE_DIR) / "configs";
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.path().extension() == ".yaml" && e.path().parent_path().filename() != "sweeps" &&
        e.path().parent_path().parent_path() == dir)
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace
}  // namespace orrery::python

PYBIND11_MODULE(orrery, m) {
  using namespace orrery::python;
  // The SystemC kernel prints a banner when first touched (in a cycle-fidelity child); as the CLI
  // does, keep it quiet unless the user asked otherwise.
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  m.doc() =
      "orrery: cycle-level simulator of deep-learning accelerators (the CLI's simulate, sweep and list)";
  m.attr("__version__") = ORRERY_VERSION;
  py::register_exception<BadInput>(m, "Error", PyExc_ValueError);
  py::register_exception<InternalFault>(m, "InternalError", PyExc_RuntimeError);

  py::class_<PyReport>(m, "Report", "One simulation's report: the CLI's JSON report as a dict.")
      .def_readonly("report", &PyReport::report, "the report (dict), as `orrery simulate --format json`")
      .def("__getitem__", [](const PyReport& r, const py::object& key) { return r.report[key]; })
      .def("__contains__", [](const PyReport& r, const py::object& key) { return r.report.contains(key); })
      .def("keys", [](const PyReport& r) { return r.report.attr("keys")(); })
      .def(
          "json", [](const PyReport& r) { return r.json_text; },
          "the report as JSON text, byte for byte what the CLI prints")
      .def(
          "layers_frame",
          [](const PyReport& r) {
            return py::module_::import("pandas").attr("DataFrame")(r.report["layers"]);
          },
          "the layers as a pandas DataFrame, one row per layer (columns as in the report)")
      .def("__repr__", [](const PyReport& r) {
        const py::dict arch = r.report["arch"], workload = r.report["workload"], total = r.report["total"];
        return "<orrery.Report " + std::string(py::str(workload["name"])) + " on " +
               std::string(py::str(arch["name"])) + ": " + std::string(py::str(total["seconds"])) + " s>";
      });

  m.def("simulate", &simulate,
        ("simulate(**options) -> Report\n\nRuns `orrery simulate` in-process; each keyword is a "
         "command-line option (underscores for dashes, set={key: value} for --set).\n\n" +
         simulate_help())
            .c_str());
  m.def("sweep", &sweep, py::arg("spec"),
        "sweep(spec, jobs=0, db=None, resume=False, plot=None, shard=None) -> pandas.DataFrame\n\n"
        "Runs `orrery sweep` on a spec file (path) or a spec given as a dict (relative paths from the "
        "working directory). Returns the results table (one row per point and workload, the axes as "
        "columns); .attrs['pareto'] holds the Pareto front, .attrs['summary'] the CLI's printout. "
        "Without db= the database is temporary.");
  m.def("resolved_config", &resolved_config, py::arg("arch"),
        "resolved_config(arch, set=None) -> dict: every key of the architecture, defaults and --set "
        "overrides applied (flat 'key.path': value)");
  m.def("list_models", &list_models, "the zoo's model names (see `orrery list models`)");
  m.def("list_configs", &list_configs, "the shipped architecture configs (absolute paths)");
}
