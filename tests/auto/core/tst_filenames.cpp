// The client's sanitiser for names chosen by remote senders (data-driven).

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "filenames.h"

using namespace Roomshare;

class TestFileNames : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sanitize_data();
    void sanitize();
    void sanitizeLimitsLength();
    void neverEscapes_data();
    void neverEscapes();
    void uniquePath();
};

void TestFileNames::sanitize_data()
{
    QTest::addColumn<QString>("remote");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << "report.pdf"
                           << "report.pdf";
    QTest::addRow("spaces and unicode") << "Q3 résumé 日本語.txt"
                                        << "Q3 résumé 日本語.txt";
    QTest::addRow("unix traversal") << "../../etc/passwd"
                                    << "passwd";
    QTest::addRow("windows traversal") << "..\\..\\Windows\\win.ini"
                                       << "win.ini";
    QTest::addRow("absolute unix") << "/etc/shadow"
                                   << "shadow";
    QTest::addRow("absolute windows") << "C:\\Users\\x\\a.txt"
                                      << "a.txt";
    QTest::addRow("drive relative") << "C:evil.txt"
                                    << "evil.txt";
    QTest::addRow("dot dot only") << ".."
                                  << "file";
    QTest::addRow("dot only") << "."
                              << "file";
    QTest::addRow("empty") << ""
                           << "file";
    QTest::addRow("trailing slash") << "dir/"
                                    << "file";
    QTest::addRow("hidden file") << ".bashrc"
                                 << "bashrc";
    QTest::addRow("trailing dots and spaces") << "notes.txt. . "
                                              << "notes.txt";
    QTest::addRow("reserved CON") << "CON"
                                  << "_CON";
    QTest::addRow("reserved nul.txt") << "nul.txt"
                                      << "_nul.txt";
    QTest::addRow("reserved lower com1") << "com1.log"
                                         << "_com1.log";
    QTest::addRow("reserved LPT9") << "LPT9"
                                   << "_LPT9";
    QTest::addRow("not reserved") << "console.txt"
                                  << "console.txt";
    QTest::addRow("control chars") << QStringLiteral("a\nb\tc\x01.txt") << "abc.txt";
    QTest::addRow("bidi override") << QStringLiteral("invoice\u202Etxt.exe") << "invoicetxt.exe";
    QTest::addRow("bidi isolate") << QStringLiteral("a\u2066b\u2069.pdf") << "ab.pdf";
    QTest::addRow("zero width") << QStringLiteral("pay\u200Bpal.html") << "paypal.html";
    QTest::addRow("windows forbidden") << "a<b>c:d\"e|f?g*h.txt"
                                       << "a_b_c_d_e_f_g_h.txt";
    QTest::addRow("only separators") << "///"
                                     << "file";
    QTest::addRow("nul byte") << QString::fromUtf8("a\0b.txt", 7) << "ab.txt";
}

void TestFileNames::sanitize()
{
    QFETCH(QString, remote);
    QFETCH(QString, expected);
    QCOMPARE(FileNames::sanitize(remote), expected);
}

void TestFileNames::sanitizeLimitsLength()
{
    const QString longName = QString(300, QLatin1Char('x')) + QStringLiteral(".tar.gz");
    const QString s = FileNames::sanitize(longName);
    QVERIFY(s.toUtf8().size() <= FileNames::MaxNameBytes);
    QVERIFY(s.endsWith(QStringLiteral(".tar.gz")));
    // Multi-byte characters are never cut in half.
    const QString snowmen = QString(150, QChar(0x2603)) + QStringLiteral(".txt");
    const QString t = FileNames::sanitize(snowmen);
    QVERIFY(t.toUtf8().size() <= FileNames::MaxNameBytes);
    QVERIFY(t.endsWith(QStringLiteral(".txt")));
    QCOMPARE(QString::fromUtf8(t.toUtf8()), t);
}

void TestFileNames::neverEscapes_data()
{
    QTest::addColumn<QString>("remote");
    for (const char *n : { "../x", "..", "../../..", "a/../../b", "/", "\\\\server\\share\\f",
                           "~/x", "$HOME", "%2e%2e%2fx" })
        QTest::addRow("%s", n) << QString::fromLatin1(n);
}

void TestFileNames::neverEscapes()
{
    QFETCH(QString, remote);
    QTemporaryDir dir;
    const QString name = FileNames::sanitize(remote);
    QVERIFY(!name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\')));
    QVERIFY(name != QLatin1String("..") && name != QLatin1String("."));
    const QString path = FileNames::uniquePath(dir.path(), name);
    QVERIFY2(FileNames::isInside(dir.path(), path), qPrintable(path));
    QVERIFY(!FileNames::isInside(dir.path(), dir.path() + QStringLiteral("/../x")));
}

void TestFileNames::uniquePath()
{
    QTemporaryDir dir;
    const QDir d(dir.path());
    QCOMPARE(FileNames::uniquePath(dir.path(), QStringLiteral("a.txt")),
             d.filePath(QStringLiteral("a.txt")));
    for (const char *n : { "a.txt", "a (1).txt", "b.tar.gz", "noext" }) {
        QFile f(d.filePath(QString::fromLatin1(n)));
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    QCOMPARE(FileNames::uniquePath(dir.path(), QStringLiteral("a.txt")),
             d.filePath(QStringLiteral("a (2).txt")));
    QCOMPARE(FileNames::uniquePath(dir.path(), QStringLiteral("b.tar.gz")),
             d.filePath(QStringLiteral("b (1).tar.gz")));
    QCOMPARE(FileNames::uniquePath(dir.path(), QStringLiteral("noext")),
             d.filePath(QStringLiteral("noext (1)")));
}

QTEST_GUILESS_MAIN(TestFileNames)
#include "tst_filenames.moc"
