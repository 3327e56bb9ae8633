#!/usr/bin/env bash
# Follows notification-service's log (logs/notification-service/application.log), pretty-printed. Options: --raw, -n LINES.
exec "$(dirname "${BASH_SOURCE[0]}")/tail-service-log.sh" notification-service "$@"
