# Packaging: the Debian package (debian/) and the RPM spec (rpm/).
#
#   make deb            build ../libapache2-mod-cors_*.deb from this tree
#                       (dpkg-buildpackage -b -us -uc; writes to the parent
#                       directory, as dpkg-buildpackage always does)
#   make package-test   build the .deb in a scratch copy, install it, a2enmod
#                       cors, apache2ctl -t/-M, one preflight to the system
#                       Apache on loopback, purge (root; debian/ci-test.sh);
#                       then rpm-test
#   make rpm-test       rpmspec --parse, rpmlint and rpmbuild -bb of
#                       rpm/mod_cors.spec with Debian's rpm (rpm/check.sh)

.PHONY: deb package-test deb-test rpm-test

TEST_TARGETS += package-test

deb:
	dpkg-buildpackage -b -us -uc

package-test: deb-test rpm-test

deb-test:
	bash $(top_srcdir)/debian/ci-test.sh

rpm-test:
	bash $(top_srcdir)/rpm/check.sh
