// The fast path's folders on disk (fast_path.h, "The switch" and
// "Markers"): the switch nginx resolves (FLAG, a symlink), the folders it
// points at (FLAG.d/GENERATION and FLAG.d/off), and the markers in a
// generation's folder. File operations only: no memcached, no shared
// state. FastPath leaves markers; the master points the switch and
// sweeps old folders (KeepSwitch).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wikid {

// A generation as its folder and keys name it: 16 hex digits.
std::string GenerationName(uint64_t generation);

// The directory of the switch's targets: FLAG.d beside FLAG.
std::string TargetsOf(const std::string& flag_path);

// Points the switch at FLAG.d/`target` (made if missing) in one rename, so
// nginx always finds it pointing somewhere that exists. False, with the
// reason in `error`, if it could not.
bool PointSwitch(const std::string& flag_path, const std::string& target,
                 std::string* error);

// Removes the generations' directories but the off one and `keep`, with
// the markers in them, spending at most `budget` removals: nothing points
// at them any more. (The previous one stays: a request whose realpath()
// read the switch an instant before the latest rename must still find its
// target, or nginx logs a critical error, though it then asks wikid.)
// True once none is left.
bool RemoveOldTargets(const std::string& flag_path, const std::vector<std::string>& keep,
                      int budget);

// Leaves the marker of `entry` in `generation` (one the master has not
// made yet, or has removed, gets none). Only a hint for nginx: whatever
// fails costs this host's fast path that page, never a wrong view.
void LeaveMarker(const std::string& flag_path, uint64_t generation, std::string_view entry);

}  // namespace wikid
