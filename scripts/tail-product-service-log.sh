#!/usr/bin/env bash
# Follows product-service's log (logs/product-service/application.log), pretty-printed. Options: --raw, -n LINES.
exec "$(dirname "${BASH_SOURCE[0]}")/tail-service-log.sh" product-service "$@"
