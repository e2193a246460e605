// Linked into every harness: SystemC's library references sc_main (libFuzzer provides main), with
// C linkage as <systemc> declares it; it is never called.
#include <cstdlib>

extern "C" int sc_main(int /*argc*/, char* /*argv*/[]) { return 0; }

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return 0;
}
