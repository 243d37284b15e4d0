dnl acinclude.m4: shegong's own configure macros (aclocal reads this file).

dnl SHEGONG_LINK_MARK: remember where config.log ends before a link test.
AC_DEFUN([SHEGONG_LINK_MARK],
[shegong_mark=`wc -l <config.log`
shegong_mark=`expr $shegong_mark + 1`])

dnl SHEGONG_LINK_FAILED(WHAT, PACKAGE): a link test of WHAT failed.  If
dnl the linker could not find a library other than WHAT's own (one that a
dnl pkg-config file of WHAT, or of a library before it, asks for: Debian's
dnl xlsxwriter.pc asks for -lz and libxlsxwriter-dev does not bring
dnl zlib1g-dev), name the package of the library actually missing;
dnl otherwise name PACKAGE.
AC_DEFUN([SHEGONG_LINK_FAILED],
[shegong_lib=`sed -n "$shegong_mark,\\$ s/.*cannot find -l\(@<:@A-Za-z0-9_+.-@:>@*\).*/\1/p" config.log | tail -n 1`
shegong_pkg=
case $shegong_lib in
  z) shegong_pkg=zlib1g-dev ;;
  lmdb) shegong_pkg=liblmdb-dev ;;
  csv) shegong_pkg=libcsv-dev ;;
  expat) shegong_pkg=libexpat1-dev ;;
  xlsxwriter) shegong_pkg=libxlsxwriter-dev ;;
  minizip) shegong_pkg=libminizip-dev ;;
  pq) shegong_pkg=libpq-dev ;;
  ncursesw|tinfo|ncurses) shegong_pkg=libncurses-dev ;;
  m|c|dl|rt|pthread|util) shegong_pkg=libc6-dev ;;
  '') ;;
  *) shegong_pkg="?" ;;
esac
shegong_advice="apt-get install $shegong_pkg"
test "x$shegong_pkg" != "x?" ||
  shegong_advice="install the package with lib$shegong_lib.so (apt-file search lib$shegong_lib.so names it)"
AS_IF([test -n "$shegong_pkg" && test "x$shegong_pkg" != "x$2"],
  [AC_MSG_ERROR([$1 is installed ($2), but linking with it needs -l$shegong_lib, which is missing: $shegong_advice])],
  [AC_MSG_ERROR([$1 not found: apt-get install $2])])])

dnl SHEGONG_SONAME(PREFIX, LIBS, FUNCTION): set shegong_soname to the name
dnl of the shared object (soname, e.g. libxlsxwriter.so.4) that a program
dnl linked with LIBS and calling FUNCTION loads for the library whose file
dnl name starts with PREFIX, for dlopen: the program opens that library
dnl only when it first needs it (src/lazylib.h).
AC_DEFUN([SHEGONG_SONAME],
[AC_MSG_CHECKING([the shared-object name of $1])
shegong_save_LIBS=$LIBS
LIBS="$2 $LIBS"
shegong_soname=
AC_LINK_IFELSE([AC_LANG_CALL([], [$3])],
  [shegong_soname=`(readelf -d conftest$EXEEXT || objdump -p conftest$EXEEXT) 2>/dev/null |
     sed -n 's/.*NEEDED.* \@<:@\{0,1\}\($1@<:@^@:>@ @:>@*\).*/\1/p' | head -n 1`])
LIBS=$shegong_save_LIBS
AS_IF([test -z "$shegong_soname"],
  [AC_MSG_ERROR([cannot tell the shared-object name of $1 (readelf, from binutils, is needed)])])
AC_MSG_RESULT([$shegong_soname])])
