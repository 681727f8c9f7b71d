// Failpoints: named places in the code where a test build can be told to
// pause, so a test can hit a race on purpose instead of by luck (a worker
// killed while a save sleeps inside its transaction, say).
//
// Set by the environment: WIKID_FAILPOINTS="save_in_txn_sleep=200,..."
// (milliseconds). Compiled in only when WIKID_TESTING is defined (every
// build but Release); in Release, FailpointSleep is an empty inline call.
#pragma once

#include <string_view>

namespace wikid {

#ifdef WIKID_TESTING
// The number the environment gives `name`, or 0 if it is not set. The
// environment is read once, on first use.
int FailpointValue(std::string_view name);
// Sleeps FailpointValue(name) milliseconds, saying so in the log first
// ("failpoint NAME: sleeping N ms").
void FailpointSleep(std::string_view name);
// Holds the process here until the test lets it go: waits until the file
// NAME exists in the folder WIKID_FAILPOINT_DIR names (the test makes it
// when it has seen what it waits for), for FailpointValue(name)
// milliseconds at most, so a test that fails never leaves a process held.
// Says so in the log first ("failpoint NAME: holding up to N ms until
// FILE exists"). Without WIKID_FAILPOINT_DIR it is FailpointSleep.
void FailpointHold(std::string_view name);
#else
inline int FailpointValue(std::string_view) { return 0; }
inline void FailpointSleep(std::string_view) {}
inline void FailpointHold(std::string_view) {}
#endif

}  // namespace wikid
