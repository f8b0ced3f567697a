# Debian package of the whole suite: `cpack -G DEB` in the build directory
# (tests/extra/package.sh builds it and checks its contents in CI).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/roomshare-server.service
    DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/protocol.md
    DESTINATION share/doc/roomshare)

set(CPACK_PACKAGE_NAME roomshare)
set(CPACK_PACKAGE_VENDOR "Roomshare")
set(CPACK_PACKAGE_CONTACT "Roomshare maintainers <maintainers@roomshare.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Share files inside a meeting room")
set(CPACK_PACKAGE_DESCRIPTION
    "Roomshare shares files inside a meeting room: a room server, a desktop app and a command-line client.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The SVG icons need the Qt SVG image plugin at run time; shlibdeps cannot see plugins.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://roomshare.invalid")
include(CPack)
