# What `make install` puts where, and the Debian package CPack makes of it
# (scripts/package builds a Release one; README "The Debian package").
# Paths are Debian's: configure with -DCMAKE_INSTALL_PREFIX=/usr.
#
#   /usr/bin/wikid, its man page (help2man, from `wikid --help`)
#   /usr/share/wikid/templates, /usr/share/wikid/static
#   /lib/systemd/system/wikid.{socket,service}, wikid-backup.{service,timer}
#   /etc/wikid/wikid.conf                 settings (conffile, 0640 root:wikid)
#   /etc/nginx/snippets/wikid.conf        the server block's part (conffile)
#   /etc/nginx/conf.d/wikid-log.conf      the access log format (conffile)
# and the maintainer scripts in scripts/debian (the wikid system user).
set(WIKID_DEBIAN_DIR ${PROJECT_SOURCE_DIR}/scripts/debian)
# Installing (and CPack) needs the wikid target only, built beforehand
# (scripts/package does), not every test of a test tree.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS wikid RUNTIME DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/views/templates/ DESTINATION share/wikid/templates)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/views/static/ DESTINATION share/wikid/static)
# Units go in /lib, not under the prefix: Debian 12's systemd looks there.
install(FILES ${PROJECT_SOURCE_DIR}/scripts/systemd/wikid.socket
              ${PROJECT_SOURCE_DIR}/scripts/systemd/wikid.service
              ${PROJECT_SOURCE_DIR}/scripts/systemd/wikid-backup.service
              ${PROJECT_SOURCE_DIR}/scripts/systemd/wikid-backup.timer
        DESTINATION /lib/systemd/system)
install(FILES ${WIKID_DEBIAN_DIR}/wikid.conf DESTINATION /etc/wikid
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${PROJECT_SOURCE_DIR}/nginx/wikid-log.conf DESTINATION /etc/nginx/conf.d)

# The nginx snippet, filled in for the package's paths: the socket of
# wikid.socket, the static files above, the upload cache of wikid.conf.
set(WIKID_SNIPPET ${CMAKE_CURRENT_BINARY_DIR}/wikid-snippet.conf)
install(CODE "
  execute_process(
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/nginx-config --snippet-only
      --socket /run/wikid/wikid.sock --static /usr/share/wikid/static
      --file-cache /var/cache/wikid/files
    OUTPUT_FILE ${WIKID_SNIPPET} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR \"scripts/nginx-config failed\")
  endif()")
install(FILES ${WIKID_SNIPPET} DESTINATION /etc/nginx/snippets RENAME wikid.conf)

# The man page, from the binary's own --help (so it never disagrees),
# with the commands and files from wikid.h2m; gzipped as Debian wants.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(WIKID_MAN ${CMAKE_CURRENT_BINARY_DIR}/wikid.1.gz)
  install(CODE "
    execute_process(
      COMMAND ${HELP2MAN} --no-info --version-string=${PROJECT_VERSION}
        \"--name=a wiki engine that runs as a FastCGI application\"
        --include=${WIKID_DEBIAN_DIR}/wikid.h2m $<TARGET_FILE:wikid>
      COMMAND gzip -9n
      OUTPUT_FILE ${WIKID_MAN} RESULT_VARIABLE failed)
    if(failed)
      message(FATAL_ERROR \"help2man failed\")
    endif()")
  install(FILES ${WIKID_MAN} DESTINATION share/man/man1)
else()
  message(STATUS "help2man not found: no man page (scripts/deps installs it)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wikid)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "wikid maintainers <wikid@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "wiki engine that runs as a FastCGI application behind nginx")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "wikid is a wiki engine written in C++: a pre-forked FastCGI server behind\nnginx, pages in Markdown with full history, SQLite or PostgreSQL, memcached\nin front, accounts, uploads, feeds and a JSON API.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # wikid_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries' packages, from the binary's own needs (dpkg-shlibdeps),
# and what the maintainer scripts run (useradd is passwd's).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx, memcached")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${WIKID_DEBIAN_DIR}/conffiles ${WIKID_DEBIAN_DIR}/postinst
  ${WIKID_DEBIAN_DIR}/prerm ${WIKID_DEBIAN_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Only the files above: no /usr and /lib folders of our own in the
# listing, and gzip, which every dpkg reads.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES bin/wikid)
include(CPack)
