#!/usr/bin/env bash
# The WXR export read by a real WordPress and its importer, then compared with what
# Staffroom holds (docs/verification/wxr-in-wordpress.md). Not run by `npm test`.
#
#   scripts/wxr-in-wordpress.sh PLUGIN_DIR [OUT_DIR]
#
# PLUGIN_DIR: the WordPress Importer plugin's folder (the one holding wordpress-importer.php).
# Needs: Debian's `wordpress` package (/usr/share/wordpress), php-cli with php-mysql and
# php-xml, and a MariaDB/MySQL server; by default root with an empty password on
# 127.0.0.1:3306 (WXR_CHECK_DB_HOST, WXR_CHECK_DB_USER, WXR_CHECK_DB_PASSWORD to change).
# Writes /etc/wordpress/config-wxr-check.php and (re)creates the database staffroom_wxr_check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin="$(cd "${1:?usage: scripts/wxr-in-wordpress.sh PLUGIN_DIR [OUT_DIR]}" && pwd)"
out="$(mkdir -p "${2:-/tmp/staffroom-wxr-check}" && cd "${2:-/tmp/staffroom-wxr-check}" && pwd)"
db_host="${WXR_CHECK_DB_HOST:-127.0.0.1:3306}"
db_user="${WXR_CHECK_DB_USER:-root}"
db_pass="${WXR_CHECK_DB_PASSWORD:-}"
db_name=staffroom_wxr_check

umask 077
cat > /etc/wordpress/config-wxr-check.php <<PHP
<?php
/* Written by Staffroom's scripts/wxr-in-wordpress.sh: a throw-away site for the WXR check. */
define('DB_NAME', '$db_name');
define('DB_USER', '$db_user');
define('DB_PASSWORD', '$db_pass');
define('DB_HOST', '$db_host');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('WP_DEBUG', false);
PHP
umask 022

mysql_cmd=(mariadb -h "${db_host%:*}" -P "${db_host##*:}" -u "$db_user")
[ -n "$db_pass" ] && mysql_cmd+=("-p$db_pass")

# demo: the demo discussion alone, authors mapped to "admin"; full: the demo plus pending, spam,
# removed, non-ASCII and a reply to a split comment's second part, mapped to "admin"; created:
# the full site again with the authors created from the file (the import form left as it comes).
for run in demo full created; do
  echo "== $run"
  case $run in
    demo) sample=demo; flag=--demo-only; authors=map; login=admin ;;
    full) sample=full; flag=; authors=map; login=admin ;;
    created) sample=full; flag=; authors=create; login=morgan-ellery ;;
  esac
  [ "$run" = created ] || (cd "$here/.." && npx tsx scripts/wxr-in-wordpress.ts build --out "$out/$sample" $flag)
  "${mysql_cmd[@]}" -e "DROP DATABASE IF EXISTS $db_name; CREATE DATABASE $db_name CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  WORDPRESS_CONFIG=wxr-check php "$here/wxr-in-wordpress.php" install
  WORDPRESS_CONFIG=wxr-check WXR_CHECK_AUTHORS=$authors php "$here/wxr-in-wordpress.php" import "$out/$sample/site.wxr" "$plugin" | tee "$out/$run.import.log"
  WORDPRESS_CONFIG=wxr-check php "$here/wxr-in-wordpress.php" dump > "$out/$run.wordpress.json"
  (cd "$here/.." && npx tsx scripts/wxr-in-wordpress.ts compare "$out/$sample/expected.json" "$out/$run.wordpress.json" --author "$login") || status=1
done
exit "${status:-0}"
