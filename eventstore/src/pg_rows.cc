#include "pg_rows.h"

namespace rotonde::eventstore {

PgStatement PgEventRows::Insert() const {
  return {
      "INSERT INTO rotonde.events (platform, position, stream, version, id, record) "
      "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], "
      "$6::bytea[])",
      PgParams()
          .TextArray(platforms)
          .IntArray(positions)
          .TextArray(streams)
          .IntArray(versions)
          .TextArray(ids)
          .BytesArray(records)};
}

PgStatement UpsertStreamVersions(const std::vector<std::string_view>& streams,
                                 const std::vector<uint64_t>& versions) {
  return {
      "INSERT INTO rotonde.streams (stream, version) SELECT * FROM unnest($1::text[], "
      "$2::bigint[]) ON CONFLICT (stream) DO UPDATE SET version = EXCLUDED.version",
      PgParams().TextArray(streams).IntArray(versions)};
}

}  // namespace rotonde::eventstore
