// rotonde-tamper DIR PLATFORM POSITION: flips one bit of the last payload byte of the
// platform's event at POSITION in the (closed) store in DIR, as a tamperer with access to the
// disk would. For the browser tests, which drive the real server and cannot link the tests'
// support library. Exit 0 when done; 2 with a message otherwise.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "raw_store.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: rotonde-tamper DIR PLATFORM POSITION\n";
    return 2;
  }
  try {
    const uint64_t position = std::stoull(argv[3]);
    rotonde::test_support::FlipPayloadByte(argv[1], argv[2], position);
  } catch (const std::exception& e) {
    std::cerr << "rotonde-tamper: " << e.what() << '\n';
    return 2;
  }
  std::cout << "flipped a bit of " << argv[2] << "'s event at " << argv[3] << '\n';
  return 0;
}
