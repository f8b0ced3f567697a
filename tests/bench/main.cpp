// roomshare-bench: `roomshare-bench run ...` drives the whole benchmark (see
// tests/bench/run.sh); the other modes are the client processes the driver starts.

#include "benchutil.h"

#include <QCoreApplication>

namespace Bench {
int runDriver(const QStringList &args);
} // namespace Bench

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        std::fputs("usage: roomshare-bench run --work DIR --server BIN --nginx BIN --curl BIN "
                   "[--gui BIN] [--quick] [--runs N] [--output FILE]\n",
                   stderr);
        return 2;
    }
    const QString mode = args.takeFirst();
    if (mode == QLatin1String("run"))
        return Bench::runDriver(args);
    return Bench::runClientMode(mode, args);
}
