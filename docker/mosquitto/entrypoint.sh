#!/bin/sh
# Creates the broker's password file from the environment (never checked in), then runs mosquitto.
set -eu
umask 077
: > /mosquitto/config/passwd
mosquitto_passwd -b /mosquitto/config/passwd graftlab-api "$MQTT_API_PASSWORD"
mosquitto_passwd -b /mosquitto/config/passwd graftlab-worker "$MQTT_WORKER_PASSWORD"
mosquitto_passwd -b /mosquitto/config/passwd graftlab-virtual-lab "$MQTT_VIRTUAL_LAB_PASSWORD"
exec mosquitto -c /mosquitto/config/mosquitto.conf
