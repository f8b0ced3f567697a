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
    void overlongNames_data();
    void overlongNames();
    void displayName_data();
    void displayName();
    void symlinksAreNeverWrittenThrough();
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
    // The rest of issue 5's list, and neighbours of each entry.
    QTest::addRow("mixed separators") << "a/b\\c/d.txt"
                                      << "d.txt";
    QTest::addRow("unc path") << "\\\\server\\share\\doc.txt"
                              << "doc.txt";
    QTest::addRow("device path") << "\\\\?\\C:\\Windows\\x.dll"
                                 << "x.dll";
    QTest::addRow("drive only") << "C:"
                                << "file";
    QTest::addRow("drive root") << "D:\\"
                                << "file";
    QTest::addRow("dots then name") << "...evil"
                                    << "evil";
    QTest::addRow("dot dot slash encoded stays text") << "%2e%2e%2fx"
                                                      << "%2e%2e%2fx";
    QTest::addRow("reserved CON with space before extension") << "CON .txt"
                                                              << "_CON .txt";
    QTest::addRow("reserved with trailing dot") << "PRN."
                                                << "_PRN";
    QTest::addRow("reserved aux with double extension") << "aux.tar.gz"
                                                        << "_aux.tar.gz";
    QTest::addRow("reserved superscript COM")
        << QStringLiteral("COM\u00B9.txt") << QStringLiteral("_COM\u00B9.txt");
    QTest::addRow("reserved CONIN$") << "conin$"
                                     << "_conin$";
    QTest::addRow("reserved CLOCK$") << "CLOCK$"
                                     << "_CLOCK$";
    QTest::addRow("not reserved: CONSOLE") << "CONSOLE"
                                           << "CONSOLE";
    QTest::addRow("not reserved: nul in the middle") << "a.nul.txt"
                                                     << "a.nul.txt";
    QTest::addRow("trailing spaces only") << "   "
                                          << "file";
    QTest::addRow("leading and trailing spaces") << "  report.pdf  "
                                                 << "report.pdf";
    QTest::addRow("trailing dot before separator") << "evil./x. "
                                                   << "x";
    QTest::addRow("ntfs stream") << "a.txt::$DATA"
                                 << "a.txt__$DATA";
    QTest::addRow("DEL and C1 controls")
        << QStringLiteral("a\u007Fb\u0085c\u009B.txt") << "abc.txt";
    QTest::addRow("escape sequence") << QStringLiteral("\u001B[31mred.txt") << "[31mred.txt";
    QTest::addRow("RLO hides exe") << QStringLiteral("photo\u202Egnp.exe") << "photognp.exe";
    QTest::addRow("LRE PDF RLE LRO")
        << QStringLiteral("a\u202Ab\u202Cc\u202Bd\u202D.txt") << "abcd.txt";
    QTest::addRow("LRM RLM ALM") << QStringLiteral("a\u200Eb\u200Fc\u061C.txt") << "abc.txt";
    QTest::addRow("FSI") << QStringLiteral("a\u2068b.txt") << "ab.txt";
    QTest::addRow("BOM") << QStringLiteral("\uFEFFdoc.txt") << "doc.txt";
    QTest::addRow("soft hyphen") << QStringLiteral("pay\u00ADpal.pdf") << "paypal.pdf";
    QTest::addRow("word joiner") << QStringLiteral("a\u2060b.pdf") << "ab.pdf";
    QTest::addRow("line separator") << QStringLiteral("a\u2028b\u2029c.pdf") << "abc.pdf";
    QTest::addRow("tag characters") << QString::fromUcs4(U"a\U000E0041\U000E007Fb.txt") << "ab.txt";
    // A broken UTF-16 pair becomes a visible U+FFFD, not nothing.
    QTest::addRow("lone surrogate")
        << (QStringLiteral("a") + QChar(0xD800) + QStringLiteral("b.txt"))
        << QStringLiteral("a\uFFFDb.txt");
    QTest::addRow("noncharacter") << QStringLiteral("a\uFFFEb\uFFFF.txt") << "ab.txt";
    QTest::addRow("fullwidth solidus") << QStringLiteral("a\uFF0Fb.txt") << "a_b.txt";
    QTest::addRow("division slash") << QStringLiteral("..\u2215..\u2215etc") << "_.._etc";
    QTest::addRow("fullwidth reverse solidus") << QStringLiteral("a\uFF3Cb") << "a_b";
    QTest::addRow("emoji kept") << QStringLiteral("\U0001F4C4 notes.txt")
                                << QStringLiteral("\U0001F4C4 notes.txt");
    QTest::addRow("arabic kept") << QStringLiteral("\u062A\u0642\u0631\u064A\u0631.pdf")
                                 << QStringLiteral("\u062A\u0642\u0631\u064A\u0631.pdf");
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

void TestFileNames::overlongNames_data()
{
    QTest::addColumn<QString>("remote");
    QTest::addColumn<QString>("suffix");
    QTest::addRow("ascii no extension") << QString(5000, QLatin1Char('a')) << QString();
    QTest::addRow("ascii with extension")
        << QString(300, QLatin1Char('a')) + QStringLiteral(".pdf") << QStringLiteral(".pdf");
    QTest::addRow("4-byte characters")
        << QString::fromUcs4(std::u32string(100, U'\U0001F600').c_str()) + QStringLiteral(".png")
        << QStringLiteral(".png");
    QTest::addRow("huge extension")
        << QStringLiteral("a.") + QString(400, QLatin1Char('x')) << QString();
    QTest::addRow("overlong reserved")
        << QStringLiteral("nul.") + QString(300, QLatin1Char('t')) << QString();
}

void TestFileNames::overlongNames()
{
    QFETCH(QString, remote);
    QFETCH(QString, suffix);
    const QString name = FileNames::sanitize(remote);
    QVERIFY(!name.isEmpty());
    QVERIFY2(name.toUtf8().size() <= FileNames::MaxNameBytes, qPrintable(name));
    QVERIFY(name.endsWith(suffix));
    QCOMPARE(QString::fromUtf8(name.toUtf8()), name); // no half characters
    // And it can really be created.
    QTemporaryDir dir;
    QFile f(FileNames::uniquePath(dir.path(), name));
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::NewOnly), qPrintable(f.errorString()));
}

void TestFileNames::displayName_data()
{
    QTest::addColumn<QString>("remote");
    QTest::addColumn<QString>("shown");
    QTest::addRow("plain") << "report.pdf"
                           << "report.pdf";
    QTest::addRow("RLO") << QStringLiteral("invoice\u202Etxt.exe")
                         << QStringLiteral("invoice\u27E8U+202E\u27E9txt.exe");
    QTest::addRow("zero width") << QStringLiteral("pay\u200Bpal")
                                << QStringLiteral("pay\u27E8U+200B\u27E9pal");
    QTest::addRow("newline") << QStringLiteral("a\nb") << QStringLiteral("a\u27E8U+000A\u27E9b");
    QTest::addRow("no-break space")
        << QStringLiteral("a\u00A0b") << QStringLiteral("a\u27E8U+00A0\u27E9b");
    QTest::addRow("space run") << QStringLiteral("a.pdf          .exe")
                               << QStringLiteral("a.pdf \u27E810 spaces\u27E9 .exe");
    QTest::addRow("short space run kept") << "a   b"
                                          << "a   b";
    QTest::addRow("path kept visible") << "../../etc/passwd"
                                       << "../../etc/passwd";
    QTest::addRow("arabic kept") << QStringLiteral("\u062A\u0642.pdf")
                                 << QStringLiteral("\u062A\u0642.pdf");
    QTest::addRow("tag character")
        << QString::fromUcs4(U"a\U000E0041") << QStringLiteral("a\u27E8U+E0041\u27E9");
}

void TestFileNames::displayName()
{
    QFETCH(QString, remote);
    QFETCH(QString, shown);
    QCOMPARE(FileNames::displayName(remote), shown);
}

void TestFileNames::symlinksAreNeverWrittenThrough()
{
    QTemporaryDir downloads;
    QTemporaryDir elsewhere;
    const QDir d(downloads.path());
    // A dangling link named like the incoming file, pointing outside the folder.
    QVERIFY(QFile::link(elsewhere.filePath(QStringLiteral("planted.txt")),
                        d.filePath(QStringLiteral("report.txt"))));
    QVERIFY(QFile::link(elsewhere.path(), d.filePath(QStringLiteral("sub"))));
    const QString path = FileNames::uniquePath(downloads.path(), QStringLiteral("report.txt"));
    QCOMPARE(path, d.filePath(QStringLiteral("report (1).txt")));
    QVERIFY(FileNames::isInside(downloads.path(), path));
    QVERIFY(!FileNames::isInside(downloads.path(), d.filePath(QStringLiteral("report.txt"))));
    QVERIFY(!FileNames::isInside(downloads.path(), d.filePath(QStringLiteral("sub/x.txt"))));
}

QTEST_GUILESS_MAIN(TestFileNames)
#include "tst_filenames.moc"
