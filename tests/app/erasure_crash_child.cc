// The crash child of erasure_test.cc: `erasure_crash_child DIR STEP` opens the data
// directory DIR (writing the demo), erases Bram as Anna and kills itself with SIGKILL right
// after STEP (Erasure::SetProbe), as kill -9 would. Exits 1 if it gets past the erasure.
#include <signal.h>

#include <iostream>
#include <string>

#include "demo_data.h"
#include "erasure_data_dir.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: erasure_crash_child DIR STEP\n";
    return 2;
  }
  const std::string step = argv[2];
  std::string error;
  auto d = rotonde::app::ErasureDataDir::Open(argv[1], &error);
  if (d == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  d->app->erasure().SetProbe([&](std::string_view reached) {
    if (reached == step) raise(SIGKILL);
  });
  auto erased = d->app->erasure().Erase(d->As("m-anna"), rotonde::demo::kDemoPlatform, "m-bram");
  std::cerr << "the erasure ended without reaching " << step << ": "
            << (erased.ok() ? "ok" : erased.status().ToString()) << "\n";
  return 1;
}
