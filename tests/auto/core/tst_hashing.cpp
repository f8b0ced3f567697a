// BackgroundSha256 (hashing beside the I/O) and the data channel's frame reader.

#include <backgroundsha256.h>
#include <dataframes.h>
#include <sha256.h>

#include <QBuffer>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <cstring>

#include <memory>
#include <vector>

using namespace Roomshare;

class TestHashing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesOneShot_data();
    void matchesOneShot();
    void resetForgetsEverything();
    void bufferWrittenAfterAddIsNotSeen();
    void moreHashersThanWorkers();
    void frameReaderSplitsAnyWay();
    void frameReaderRefusesBadLengths_data();
    void frameReaderRefusesBadLengths();
};

namespace {

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QByteArray out(size, Qt::Uninitialized);
    QRandomGenerator gen(seed);
    for (qint64 i = 0; i < size; ++i)
        out[i] = char(gen.generate() & 0xff);
    return out;
}

QString oneShot(const QByteArray &data)
{
    Sha256 h;
    h.addData(data);
    return h.hexResult();
}

} // namespace

void TestHashing::matchesOneShot_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<qint64>("piece");
    const qint64 inlineBytes = BackgroundSha256::InlineBytes;
    QTest::newRow("empty") << qint64(0) << qint64(1000);
    QTest::newRow("1 byte") << qint64(1) << qint64(1000);
    QTest::newRow("exactly inline") << inlineBytes << qint64(4096);
    QTest::newRow("inline + 1") << inlineBytes + 1 << qint64(4096);
    QTest::newRow("odd pieces across the threshold") << 3 * inlineBytes + 17 << qint64(65537);
    // More than the queue holds: addData has to wait for the worker.
    QTest::newRow("past the queue limit")
        << BackgroundSha256::MaxQueuedBytes * 3 + 5 << qint64(256 * 1024);
}

void TestHashing::matchesOneShot()
{
    QFETCH(qint64, size);
    QFETCH(qint64, piece);
    const QByteArray data = randomBytes(size, quint32(size));
    BackgroundSha256 h;
    for (qint64 off = 0; off < size; off += piece) {
        // Each piece in its own buffer, at an offset inside it, as chunks arrive.
        const qint64 n = qMin(piece, size - off);
        const QByteArray buffer = QByteArray("header") + data.mid(off, n) + QByteArray("tail");
        h.addData(buffer, 6, n);
    }
    QCOMPARE(h.hexResult(), oneShot(data));
    // Reset by hexResult: the next digest starts afresh.
    h.addData(QByteArray("abc"));
    QCOMPARE(h.hexResult(), oneShot(QByteArray("abc")));
}

void TestHashing::resetForgetsEverything()
{
    const QByteArray big = randomBytes(4 * BackgroundSha256::InlineBytes, 7);
    BackgroundSha256 h;
    h.addData(big);
    h.reset();
    h.addData(QByteArray("after reset"));
    QCOMPARE(h.hexResult(), oneShot(QByteArray("after reset")));
}

void TestHashing::bufferWrittenAfterAddIsNotSeen()
{
    // Callers reuse one read buffer (DownloadJob rebuilding a hash from a partial file):
    // writing through data() detaches it, so the worker still hashes what was added.
    QByteArray buffer = randomBytes(BackgroundSha256::InlineBytes, 1);
    QByteArray expected;
    BackgroundSha256 h;
    for (int i = 0; i < 20; ++i) {
        h.addData(buffer);
        expected += buffer;
        std::memset(buffer.data(), i, size_t(buffer.size()));
    }
    QCOMPARE(h.hexResult(), oneShot(expected));
}

void TestHashing::moreHashersThanWorkers()
{
    // Past MaxWorkers the extra hashers run inline; every digest is still right.
    const int count = BackgroundSha256::MaxWorkers + 4;
    std::vector<std::unique_ptr<BackgroundSha256>> hashers;
    std::vector<QByteArray> inputs;
    for (int i = 0; i < count; ++i) {
        hashers.push_back(std::make_unique<BackgroundSha256>());
        inputs.push_back(randomBytes(3 * BackgroundSha256::InlineBytes + i, quint32(100 + i)));
    }
    for (qint64 off = 0; off < inputs.back().size(); off += 300000) {
        for (int i = 0; i < count; ++i) {
            if (off < inputs[i].size())
                hashers[i]->addData(inputs[i], off, qMin<qint64>(300000, inputs[i].size() - off));
        }
    }
    for (int i = 0; i < count; ++i)
        QCOMPARE(hashers[i]->hexResult(), oneShot(inputs[i]));
}

void TestHashing::frameReaderSplitsAnyWay()
{
    QByteArray stream;
    std::vector<QByteArray> messages;
    for (const qint64 size : { qint64(0), qint64(1), qint64(1000), qint64(70000) }) {
        DataFrames::ChunkFrame frame(size);
        const QByteArray payload = randomBytes(size, quint32(size));
        std::memcpy(frame.payload(), payload.constData(), size_t(size));
        frame.fill(ChunkHeader::Kind::Download, 42, quint64(size));
        stream += frame.frame();
        messages.push_back(frame.message());
    }
    for (const int step : { 1, 3, 4096, int(stream.size()) }) {
        QBuffer device;
        device.open(QIODevice::ReadWrite);
        DataFrames::FrameReader reader(1 << 20);
        std::vector<QByteArray> got;
        QString error;
        for (qint64 at = 0; at < stream.size(); at += step) {
            const qint64 pos = device.pos();
            device.seek(device.size());
            device.write(stream.mid(at, step));
            device.seek(pos);
            while (auto m = reader.next(&device, &error))
                got.push_back(*m);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        QCOMPARE(got.size(), messages.size());
        for (size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i], messages[i]);
            const auto header = ChunkHeader::decode(got[i]);
            QVERIFY(header);
            QVERIFY(header->verify(QByteArrayView(got[i]).sliced(ChunkHeader::Size)));
        }
    }
}

void TestHashing::frameReaderRefusesBadLengths_data()
{
    QTest::addColumn<quint32>("length");
    QTest::newRow("zero") << quint32(0);
    QTest::newRow("shorter than a header") << quint32(ChunkHeader::Size - 1);
    QTest::newRow("one past the limit") << quint32(4097);
    QTest::newRow("4 GiB") << quint32(0xffffffff);
}

void TestHashing::frameReaderRefusesBadLengths()
{
    QFETCH(quint32, length);
    QByteArray bytes(4, Qt::Uninitialized);
    qToBigEndian<quint32>(length, bytes.data());
    bytes += QByteArray(64, 'x');
    QBuffer device(&bytes);
    device.open(QIODevice::ReadOnly);
    DataFrames::FrameReader reader(4096);
    QString error;
    QVERIFY(!reader.next(&device, &error));
    QVERIFY2(error.contains(QString::number(length)), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestHashing)
#include "tst_hashing.moc"
