#!/usr/bin/env bash
# Follows order-service's log (logs/order-service/application.log), pretty-printed. Options: --raw, -n LINES.
exec "$(dirname "${BASH_SOURCE[0]}")/tail-service-log.sh" order-service "$@"
