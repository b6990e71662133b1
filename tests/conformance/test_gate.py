"""The gate of gate.py refuses and records what is not an emulator, so the suite's check that
nothing else was reached can fail. It is a gate of its own here, not the session's."""

import requests

from gate import Gate


def test_the_gate_refuses_and_records_anything_but_an_allowed_emulator():
    gate = Gate()
    try:
        proxies = {"http": gate.url, "https": gate.url}
        endpoint = "http://smartag.cn-hangzhou.aliyuncs.com/?Action=DescribeRegions"
        assert requests.post(endpoint, proxies=proxies, timeout=10).status_code == 502

        # HTTPS goes through CONNECT, which the gate never opens.
        try:
            requests.get("https://location-readonly.aliyuncs.com/", proxies=proxies, timeout=10)
            raise AssertionError("a CONNECT through the gate succeeded")
        except requests.exceptions.ProxyError:
            pass

        assert gate.foreign == [
            f"POST {endpoint}",
            "CONNECT location-readonly.aliyuncs.com:443",
        ]
        assert gate.passages == []
    finally:
        gate.close()
