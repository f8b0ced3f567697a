#pragma once

#include "room_p.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace Roomshare::Server {

//! Bounds on what one FILE object may hold, so that any page of them fits in a control
//! message (docs/protocol.md, "Paging the file list"; docs/security.md, "Limits").
constexpr int MaxFileNameLength = 1024; //!< characters of `name`
constexpr int MaxMimeLength = 255; //!< characters of `mime` / `type`

//! A page of the file list stops before its files' JSON exceeds this many bytes (a page
//! always holds at least one file). With the field bounds above one FILE is at most about
//! 8 KiB, so a page stays far below Protocol::MaxControlMessage.
constexpr qint64 FilePageBytes = 128 * 1024;
//! And before it holds more than this many files.
constexpr int FilePageFiles = 1000;

//! True for a media type `type/subtype` of at most MaxMimeLength characters from RFC 6838's
//! restricted-name set (no parameters, no spaces, no quotes).
bool isValidMimeType(const QString &mime);

//! True for a display name without control characters (C0, DEL, C1), which JSON would
//! escape six bytes apiece and which no name needs.
bool isPrintableName(const QString &name);

//! Fills \a reply (a `joined` or `files` message) with one page of the files of \a room
//! visible to \a clientId: `files` holds those with an index above \a after, in increasing
//! index order, within FilePageBytes / FilePageFiles and within what \a reply leaves of
//! Protocol::MaxControlMessage (a `joined` also lists participants); when more remain,
//! `more` is true and `after` is the index to ask for the next page with.
void insertFilePage(QJsonObject &reply, const Room &room, const QString &clientId, qint64 after);
//! The same paging over the files \a describe returns a non-empty object for (the FILE
//! objects of the page are what it returns).
void insertFilePage(QJsonObject &reply, const Room &room, qint64 after,
                    const std::function<QJsonObject(const StoredFile &)> &describe);

} // namespace Roomshare::Server
