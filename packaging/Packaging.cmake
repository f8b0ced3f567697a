# Install rules shared by every package, man pages, and CPack: `cpack -G DEB` and
# `cpack -G RPM` in the build directory (tests/extra/package.sh builds and checks both).
# One package holds the app, the server and the CLI (docs/operations.md says why).

# Installed programs link Roomshare's own code statically and Qt from the system: they
# need no RUNPATH (qt_standard_project_setup() would give them $ORIGIN:$ORIGIN/../lib,
# which lintian and rpmlint reject).
set(_roomshare_programs roomshare-server roomshare-cli)
if(TARGET roomshare)
    list(APPEND _roomshare_programs roomshare)
endif()
set_target_properties(${_roomshare_programs} PROPERTIES INSTALL_RPATH "")

install(FILES ${PROJECT_SOURCE_DIR}/packaging/roomshare-server.service
    DESTINATION lib/systemd/system)
# The server's settings, read by the unit (--config); a conffile in the .deb and the RPM. An
# absolute path: /etc whatever the prefix, as the unit expects.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/server.conf DESTINATION /etc/roomshare)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/protocol.md
    ${PROJECT_SOURCE_DIR}/packaging/copyright
    DESTINATION share/doc/roomshare)

# Debian policy: changelogs and man pages compressed with gzip -9n (no name, no time stamp,
# so builds are reproducible).
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(_roomshare_changelog ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(OUTPUT ${_roomshare_changelog}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/packaging
    COMMAND ${GZIP_EXECUTABLE} -9n -c ${PROJECT_SOURCE_DIR}/packaging/changelog > ${_roomshare_changelog}
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog
    COMMENT "Compressing the changelog")
add_custom_target(roomshare-changelog ALL DEPENDS ${_roomshare_changelog})
install(FILES ${_roomshare_changelog} DESTINATION share/doc/roomshare)

# Man pages generated from each program's --help and --version by help2man, so they
# cannot drift from the options (tests/extra/package.sh checks that every option is in).
# HOME=~: defaults under the home folder read "~/..." instead of the build machine's path.
find_program(HELP2MAN_EXECUTABLE help2man)
if(HELP2MAN_EXECUTABLE)
    set(_roomshare_man_roomshare "desktop app to share files inside a meeting room")
    set(_roomshare_man_roomshare-server "room server for Roomshare file sharing")
    set(_roomshare_man_roomshare-cli "command-line client for Roomshare file sharing")
    set(_roomshare_man_pages)
    foreach(program ${_roomshare_programs})
        set(page ${CMAKE_CURRENT_BINARY_DIR}/man/${program}.1)
        add_custom_command(OUTPUT ${page}.gz
            COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
            COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen HOME=~ XDG_DATA_HOME=
                ${HELP2MAN_EXECUTABLE} --no-info --no-discard-stderr
                --name=${_roomshare_man_${program}} --output=${page} $<TARGET_FILE:${program}>
            COMMAND ${GZIP_EXECUTABLE} -9n -f ${page}
            DEPENDS ${program}
            COMMENT "Generating the man page of ${program} with help2man"
            VERBATIM)
        list(APPEND _roomshare_man_pages ${page}.gz)
    endforeach()
    add_custom_target(roomshare-man-pages ALL DEPENDS ${_roomshare_man_pages})
    install(FILES ${_roomshare_man_pages} DESTINATION share/man/man1)
else()
    message(STATUS "help2man not found: no man pages (scripts/install-deps.sh installs it)")
endif()

if(TARGET roomshare)
    # AppStream metadata (software centres), named after its id.
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/roomshare.metainfo.xml
        DESTINATION share/metainfo RENAME org.roomshare.roomshare.metainfo.xml)
    # PNG icons in every hicolor size, rendered from the SVG at build time, for desktops and
    # software centres that do not read SVG.
    find_program(RSVG_CONVERT_EXECUTABLE rsvg-convert)
    if(RSVG_CONVERT_EXECUTABLE)
        set(_roomshare_icons)
        foreach(size 16 22 24 32 48 64 128 256 512)
            set(icon ${CMAKE_CURRENT_BINARY_DIR}/icons/${size}x${size}/roomshare.png)
            add_custom_command(OUTPUT ${icon}
                COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/icons/${size}x${size}
                COMMAND ${RSVG_CONVERT_EXECUTABLE} --width=${size} --height=${size}
                    --output=${icon} ${PROJECT_SOURCE_DIR}/resources/icons/roomshare.svg
                DEPENDS ${PROJECT_SOURCE_DIR}/resources/icons/roomshare.svg
                COMMENT "Rendering the ${size}x${size} icon"
                VERBATIM)
            list(APPEND _roomshare_icons ${icon})
            install(FILES ${icon} DESTINATION share/icons/hicolor/${size}x${size}/apps)
        endforeach()
        add_custom_target(roomshare-icons ALL DEPENDS ${_roomshare_icons})
    else()
        message(STATUS "rsvg-convert not found: no PNG icons (scripts/install-deps.sh installs it)")
    endif()
endif()

set(CPACK_PACKAGE_NAME roomshare)
set(CPACK_PACKAGE_VENDOR "Roomshare")
set(CPACK_PACKAGE_CONTACT "Roomshare maintainers <maintainers@roomshare.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Share files inside a meeting room")
# Lines within 72 characters: lintian and rpmlint want them under 80.
set(CPACK_PACKAGE_DESCRIPTION
    "Roomshare shares files among the people in a meeting room: a desktop
app that opens roomshare:// invite links, a room server with a systemd
unit, and a command-line client.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The SVG icons need the Qt SVG image plugin at run time; shlibdeps cannot see plugins.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://roomshare.invalid")
# Maintainer scripts: the server's unit enabled (not started) on install, its state and
# enablement removed on purge; server.conf is a conffile.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "LicenseRef-Roomshare-unlicensed")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_URL "https://roomshare.invalid")
set(CPACK_RPM_SPEC_MORE_DEFINE "%define packager ${CPACK_PACKAGE_CONTACT}")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/post)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/preun)
set(CPACK_RPM_USER_FILELIST "%config(noreplace) /etc/roomshare/server.conf")
# Directories the system owns already; the package must not claim them.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /etc /usr/lib/systemd /usr/lib/systemd/system /usr/share/applications /usr/share/icons
    /usr/share/icons/hicolor /usr/share/icons/hicolor/scalable
    /usr/share/icons/hicolor/scalable/apps /usr/share/man /usr/share/man/man1
    /usr/share/metainfo)
foreach(size 16 22 24 32 48 64 128 256 512)
    list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
        /usr/share/icons/hicolor/${size}x${size} /usr/share/icons/hicolor/${size}x${size}/apps)
endforeach()

# Windows (NSIS) and macOS (DragNDrop): configured here, built on those systems only
# (README, "Install"; not built or tested in this project's CI, which runs on Debian). Each
# first gathers Qt's libraries and plugins beside the programs with the platform's
# deployment tool (windeployqt, macdeployqt) at install time. Backslashes are written four
# times: once for this file, once for CPackConfig.cmake, leaving one for NSIS.
if(WIN32)
    set(CPACK_GENERATOR NSIS)
    set(CPACK_PACKAGE_INSTALL_DIRECTORY "Roomshare")
    set(CPACK_NSIS_DISPLAY_NAME "Roomshare")
    set(CPACK_NSIS_PACKAGE_NAME "Roomshare ${PROJECT_VERSION}")
    set(CPACK_NSIS_MUI_ICON ${PROJECT_SOURCE_DIR}/resources/icons/roomshare.ico)
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\roomshare.exe")
    set(CPACK_NSIS_CREATE_ICONS_EXTRA
        "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\Roomshare.lnk' '$INSTDIR\\\\bin\\\\roomshare.exe'")
    set(CPACK_NSIS_DELETE_ICONS_EXTRA "Delete '$SMPROGRAMS\\\\$START_MENU\\\\Roomshare.lnk'")
    # roomshare:// and roomshares:// links open the app (HKCU: no administrator needed).
    set(_roomshare_nsis_register "")
    foreach(scheme roomshare roomshares)
        string(APPEND _roomshare_nsis_register
            "WriteRegStr HKCU 'Software\\\\Classes\\\\${scheme}' '' 'URL:Roomshare invite'\n"
            "WriteRegStr HKCU 'Software\\\\Classes\\\\${scheme}' 'URL Protocol' ''\n"
            "WriteRegStr HKCU 'Software\\\\Classes\\\\${scheme}\\\\shell\\\\open\\\\command' '' '$\\\"$INSTDIR\\\\bin\\\\roomshare.exe$\\\" $\\\"%1$\\\"'\n")
        string(APPEND _roomshare_nsis_unregister
            "DeleteRegKey HKCU 'Software\\\\Classes\\\\${scheme}'\n")
    endforeach()
    set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "${_roomshare_nsis_register}")
    set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "${_roomshare_nsis_unregister}")
    if(TARGET roomshare)
        install(CODE "execute_process(COMMAND windeployqt --no-translations \"\${CMAKE_INSTALL_PREFIX}/bin/roomshare.exe\")")
    endif()
elseif(APPLE)
    set(CPACK_GENERATOR DragNDrop)
    set(CPACK_DMG_VOLUME_NAME "Roomshare")
    # The bundle (src/app: MACOSX_BUNDLE with packaging/macos/Info.plist.in, which declares
    # the roomshare:// and roomshares:// URL types) gets Qt's frameworks from macdeployqt.
    if(TARGET roomshare)
        install(CODE "execute_process(COMMAND macdeployqt \"\${CMAKE_INSTALL_PREFIX}/roomshare.app\")")
    endif()
endif()
include(CPack)
