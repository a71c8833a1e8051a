// SQLite's load image of a contact row (contacts.load_image, migration 0002): its layout, its
// encoding and decoding, and the SQL that keeps its head current in every UPDATE of the columns it
// holds. PostgreSQL has none (its columns cost the start-up load little more than one). Pure
// functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/contact.h"
#include "core/result.h"

namespace outdial::store::sqlite {

// SQLite's contacts.load_image (migration 0002; every UPDATE of its columns rewrites its head,
// ImageHeadSet below): everything the start-up load needs of a row but its id and fields (a
// column beside it), in one value, because reading a dozen columns of ten million rows costs
// SQLite several times what two do. The layout:
//   "<campaign_id> <priority> <attempts_made> <next_eligible_at ms> <callback 0|1>
//    <callback_agent|0> <state> <last_outcome|-> <phone_counts>|" then timezone, name, phones,
//    each as "<bytes>:<text>"
// Fills every member of `c` but id and fields, and `timezone` (a view into `image`).
core::Result<void> DecodeLoadImage(std::string_view image, core::Contact& c, std::string_view& timezone);
// Appends the load image of `c` as a contact of `campaign` with time zone `timezone`: what the
// migration's printf writes, byte for byte.
void AppendLoadImage(core::CampaignId campaign, const core::Contact& c, std::string_view timezone,
                     std::string& out);

// The start-up load's query of one chunk of ids [$1, $2) (store/sql/startup_load.cc): each row's
// id, load image and fields. The campaign is the image's first number: compared by the reader, it
// costs SQLite no second column.
inline constexpr std::string_view kLoadChunkSql =
    "SELECT id, load_image, fields FROM contacts WHERE id >= $1 AND id < $2 ORDER BY id";

// The SET clause that rewrites the head of a row's load_image from the new values of the columns
// it holds, given as SQL expressions (parameters, or a column name for one the statement leaves as
// it is: in SET, a column is its value before the update). Every UPDATE of those columns includes it.
std::string ImageHeadSet(std::string_view attempts_made, std::string_view next_eligible_at,
                         std::string_view callback, std::string_view callback_agent, std::string_view state,
                         std::string_view last_outcome, std::string_view phone_counts);

}  // namespace outdial::store::sqlite
