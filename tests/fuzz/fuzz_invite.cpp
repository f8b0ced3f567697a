// Invite links and join tokens: InviteLink::parse, Token::peek and Token::verify on
// arbitrary text. A parsed link must survive a round trip through toString().

#include <invite.h>

#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace Roomshare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    static const QByteArray secret = QByteArrayLiteral("fuzz-secret");
    (void)Token::verify(text, secret, 1764230400);
    (void)Token::peek(text);
    if (const auto link = InviteLink::parse(text)) {
        (void)link->serverUrl();
        const auto again = InviteLink::parse(link->toString());
        if (!again || again->token != link->token || again->room != link->room
            || again->port != link->port || again->certFingerprint != link->certFingerprint)
            std::abort(); // a link we accept must print as a link we accept, unchanged
    }
    return 0;
}
