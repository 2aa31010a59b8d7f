# What `cmake --install` puts under the prefix, for C++ and C consumers (examples/consumer shows both):
#   bin/mxref                                   the command line
#   lib/libmxref_ref.a, lib/libmxref_dpi.so     the reference models; the C/DPI-C interface
#   include/mxref/ref/...                       their headers, included as "ref/format.hpp" and so on
#   include/mxref/conformance/dpi/mxref_dpi.h   the C interface; share/mxref/dpi/mxref_dpi.sv its SV package
#   lib/cmake/mxref/                            find_package(mxref): mxref::ref, mxref::dpi, mxref::mxref
#   lib/pkgconfig/mxref.pc                      pkg-config --cflags --libs mxref
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(mxref_include_dir ${CMAKE_INSTALL_INCLUDEDIR}/mxref)
foreach(target mxref_ref mxref_dpi)
  target_include_directories(${target} INTERFACE $<INSTALL_INTERFACE:${mxref_include_dir}>)
endforeach()
set_target_properties(mxref_ref PROPERTIES EXPORT_NAME ref)
set_target_properties(mxref_dpi PROPERTIES EXPORT_NAME dpi)
install(TARGETS mxref_ref mxref_dpi mxref EXPORT mxrefTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ref/ DESTINATION ${mxref_include_dir}/ref FILES_MATCHING PATTERN "*.hpp" PATTERN "tests" EXCLUDE)
install(FILES conformance/dpi/mxref_dpi.h DESTINATION ${mxref_include_dir}/conformance/dpi)
install(FILES conformance/dpi/mxref_dpi.sv DESTINATION ${CMAKE_INSTALL_DATADIR}/mxref/dpi)

install(EXPORT mxrefTargets NAMESPACE mxref:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mxref)
configure_package_config_file(cmake/mxrefConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/mxrefConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mxref)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/mxrefConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mxrefConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/mxrefConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mxref)

# The prefix relative to the .pc file, so that the installed tree can be moved (and `--prefix` works).
file(RELATIVE_PATH mxref_pc_to_prefix "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file(cmake/mxref.pc.in ${CMAKE_CURRENT_BINARY_DIR}/mxref.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/mxref.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
