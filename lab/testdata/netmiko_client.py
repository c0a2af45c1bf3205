"""Drive one lab device with Netmiko, as VelocityCollector did.

Reads a JSON request on stdin: {"host", "port", "device_type", "username",
"password", "secret", "enable": bool, "commands": [...]} and prints a JSON
object: {"prompt": ..., "outputs": {command: output}, "error": null | str}.
"""
import json
import sys

from netmiko import ConnectHandler


def main():
    req = json.load(sys.stdin)
    result = {"prompt": None, "outputs": {}, "error": None, "privileged": None}
    try:
        conn = ConnectHandler(
            device_type=req["device_type"],
            host=req["host"],
            port=req["port"],
            username=req["username"],
            password=req["password"],
            secret=req.get("secret", ""),
            timeout=req.get("timeout", 20),
            banner_timeout=req.get("timeout", 20),
            auth_timeout=req.get("timeout", 20),
            allow_agent=False,
            use_keys=False,
            fast_cli=req.get("fast_cli", False),
        )
        try:
            if req.get("enable"):
                conn.enable()
                result["privileged"] = conn.check_enable_mode()
            result["prompt"] = conn.find_prompt()
            for cmd in req["commands"]:
                result["outputs"][cmd] = conn.send_command(cmd)
        finally:
            conn.disconnect()
    except Exception as exc:  # the test reports what the client saw
        result["error"] = "%s: %s" % (type(exc).__name__, exc)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
