// The rows of rotonde.events and rotonde.streams (pg_event_log.h's schema) as they are
// written: by a group transaction (pg_event_log.cc) and by a move between clusters
// (pg_directory.cc), each statement carrying many rows as arrays (unnest). The statements are
// made here and run by the caller: one at a time, or in a pipeline with others.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "pg_connection.h"

namespace rotonde::eventstore {

// Events to insert; the values are views, of strings that outlive Insert().
struct PgEventRows {
  std::vector<std::string_view> platforms, streams, ids, records;
  std::vector<uint64_t> positions, versions;

  void Add(std::string_view platform, uint64_t position, std::string_view stream, uint64_t version,
           std::string_view id, std::string_view record) {
    platforms.push_back(platform);
    positions.push_back(position);
    streams.push_back(stream);
    versions.push_back(version);
    ids.push_back(id);
    records.push_back(record);
  }
  size_t size() const { return platforms.size(); }
  // One INSERT of every row (a unique id or position already stored fails it).
  PgStatement Insert() const;
};

// Sets each stream's last version, inserting the streams not there yet.
PgStatement UpsertStreamVersions(const std::vector<std::string_view>& streams,
                                 const std::vector<uint64_t>& versions);

}  // namespace rotonde::eventstore
