// The suite's one PostgreSQL server, as a ctest fixture
// (tests/CMakeLists.txt): `start FILE` starts it (initdb, then the server,
// detached from this process) and describes it in FILE; the PostgreSQL
// tests find FILE through WIKID_TEST_POSTGRES and make their databases
// there (support/postgres_server.h). `stop FILE` stops it by its PID and
// deletes it. One server for the whole run instead of one per test
// process: each of those cost an initdb and a start.
#include <exception>
#include <iostream>
#include <string>

#include "tests/support/postgres_server.h"

int main(int argc, char** argv) {
  using wikid::testing::PostgresServer;
  const std::string usage = "usage: postgres_for_suite start|stop FILE";
  if (argc != 3) {
    std::cerr << usage << "\n";
    return 2;
  }
  const std::string verb = argv[1], file = argv[2];
  try {
    if (verb == "start") {
      // A server an earlier run left (one killed before its cleanup) goes
      // first.
      PostgresServer::StopDescribed(file);
      PostgresServer server(PostgresServer::Lifetime::kDetached);
      server.Describe(file);
      std::cout << "PostgreSQL for the suite on port " << server.port() << ", pid "
                << server.pid() << "\n";
      return 0;
    }
    if (verb == "stop") {
      PostgresServer::StopDescribed(file);
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cerr << usage << "\n";
  return 2;
}
