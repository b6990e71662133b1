"""The three ways of calling the emulator with the official SDKs, behind one small interface.

Each setup is used the way its SDK's own documentation shows, with only two changes: the endpoint
is the emulator's `127.0.0.1:PORT` and the protocol is plain HTTP.

- classic: `aliyunsdkcore.client.AcsClient` with the `aliyunsdksmartag` request classes. It takes
  the region from the client (its RoamClientUser has no RegionId at all), so there is one client
  per region, and `add_endpoint` maps every region to the emulator: the endpoint resolver then
  answers from that table and never reaches its Location-service fallback.
- tea-v2: `alibabacloud_smartag20180313.client.Client` with `signature_algorithm='v2'`, which is
  signature v1 (HMAC-SHA1, parameters in the query).
- tea-acs3: the same client with its default signature, ACS3-HMAC-SHA256 (an Authorization
  header over a canonical request).
"""

import json
from dataclasses import dataclass

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdksmartag.request.v20180313.DescribeRegionsRequest import DescribeRegionsRequest
from aliyunsdksmartag.request.v20180313.DescribeSmartAccessGatewayClientUsersRequest import (
    DescribeSmartAccessGatewayClientUsersRequest,
)
from aliyunsdksmartag.request.v20180313.DescribeSmartAccessGatewaysRequest import (
    DescribeSmartAccessGatewaysRequest,
)
from aliyunsdksmartag.request.v20180313.RoamClientUserRequest import RoamClientUserRequest
from alibabacloud_smartag20180313 import models as tea_models
from alibabacloud_smartag20180313.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ClientException as TeaClientException
from alibabacloud_tea_openapi.models import Config as TeaConfig

# The demo world's key pair (src/emulator/mod.rs, DEMO_ACCESS_KEY_ID and DEMO_ACCESS_KEY_SECRET):
# public on purpose, it opens nothing but the emulator.
DEMO_ACCESS_KEY_ID = "LTAI5tDemoSagroamKey"
DEMO_ACCESS_KEY_SECRET = "sagroam-demo-secret-not-a-real-key"

# The regions of the demo world; the classic SDK gets an endpoint entry for each.
REGIONS = ("cn-shanghai", "cn-hangzhou", "cn-hongkong", "ap-southeast-1", "eu-central-1")


@dataclass(frozen=True)
class User:
    name: str
    mail: str


@dataclass(frozen=True)
class Key:
    id: str
    secret: str
    security_token: str = None


DEMO_KEY = Key(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)


class ClassicSdk:
    """aliyunsdkcore 2.16.1 + aliyunsdksmartag 2.0.4."""

    # What the SDK raises for an error answer, and what it makes of SignatureDoesNotMatch: when
    # the server's string to sign (after the message's colon) equals its own, it rewrites the code
    # into InvalidAccessKeySecret (aliyunsdkcore/client.py, _get_server_exception).
    error_type = ServerException
    wrong_secret_code = "InvalidAccessKeySecret"

    def __init__(self, host_port, key=DEMO_KEY):
        self._host_port = host_port
        self._key = key
        self._clients = {}

    def with_key(self, key):
        """The same setup signing with another key."""
        return ClassicSdk(self._host_port, key)

    @staticmethod
    def error(exc):
        return exc.get_error_code(), exc.get_http_status(), exc.get_request_id()

    def _client(self, region):
        if region not in self._clients:
            key = self._key
            if key.security_token:
                credential = StsTokenCredential(key.id, key.secret, key.security_token)
                client = AcsClient(region_id=region, credential=credential)
            else:
                client = AcsClient(key.id, key.secret, region)
            for known in REGIONS:
                client.add_endpoint(known, "Smartag", self._host_port)
            self._clients[region] = client
        return self._clients[region]

    def _call(self, region, request):
        request.set_protocol_type("http")
        return json.loads(self._client(region).do_action_with_exception(request))

    def regions(self, language=None):
        request = DescribeRegionsRequest()
        if language:
            request.set_AcceptLanguage(language)
        body = self._call("cn-shanghai", request)
        return {r["RegionId"]: r["LocalName"] for r in body["Regions"]["Region"]}

    def instances(self, region, instance_type):
        request = DescribeSmartAccessGatewaysRequest()
        request.set_InstanceType(instance_type)
        request.set_PageSize(50)
        body = self._call(region, request)
        items = body["SmartAccessGateways"]["SmartAccessGateway"]
        return {i["SmartAGId"]: int(i["UserCount"]) for i in items}, body["TotalCount"]

    def users_page(self, region, instance, page, size, user_name=None):
        request = DescribeSmartAccessGatewayClientUsersRequest()
        request.set_SmartAGId(instance)
        request.set_PageNumber(page)
        request.set_PageSize(size)
        if user_name:
            request.set_UserName(user_name)
        body = self._call(region, request)
        users = [User(u["UserName"], u["UserMail"]) for u in body["Users"]["User"]]
        return users, body["TotalCount"]

    def roam(self, origin_region, origin, target_region, target, user_name):
        request = RoamClientUserRequest()
        request.set_OriginRegionId(origin_region)
        request.set_OriginSmartAGId(origin)
        request.set_TargetSmartAGId(target)
        request.set_UserName(user_name)
        # RegionId (the target's region) comes from the client: this SDK has no setter for it.
        return self._call(target_region, request)["RequestId"]


class TeaSdk:
    """alibabacloud-smartag20180313 2.1.2 on alibabacloud-tea-openapi 0.4.6."""

    error_type = TeaClientException
    wrong_secret_code = "SignatureDoesNotMatch"

    def __init__(self, host_port, signature_algorithm, key=DEMO_KEY):
        self._host_port = host_port
        self._signature_algorithm = signature_algorithm
        self._client = TeaClient(
            TeaConfig(
                access_key_id=key.id,
                access_key_secret=key.secret,
                security_token=key.security_token,
                region_id="cn-shanghai",
                endpoint=host_port,
                protocol="http",
                signature_algorithm=signature_algorithm,
            )
        )

    def with_key(self, key):
        """The same setup signing with another key."""
        return TeaSdk(self._host_port, self._signature_algorithm, key)

    @staticmethod
    def error(exc):
        return exc.code, exc.status_code, exc.request_id

    def regions(self, language=None):
        response = self._client.describe_regions(
            tea_models.DescribeRegionsRequest(accept_language=language)
        )
        return {r.region_id: r.local_name for r in response.body.regions.region}

    def instances(self, region, instance_type):
        response = self._client.describe_smart_access_gateways(
            tea_models.DescribeSmartAccessGatewaysRequest(
                region_id=region, instance_type=instance_type, page_size=50
            )
        )
        items = response.body.smart_access_gateways.smart_access_gateway
        return {i.smart_agid: int(i.user_count) for i in items}, response.body.total_count

    def users_page(self, region, instance, page, size, user_name=None):
        response = self._client.describe_smart_access_gateway_client_users(
            tea_models.DescribeSmartAccessGatewayClientUsersRequest(
                region_id=region,
                smart_agid=instance,
                page_number=page,
                page_size=size,
                user_name=user_name,
            )
        )
        users = [User(u.user_name, u.user_mail) for u in response.body.users.user]
        return users, response.body.total_count

    def roam(self, origin_region, origin, target_region, target, user_name):
        response = self._client.roam_client_user(
            tea_models.RoamClientUserRequest(
                origin_region_id=origin_region,
                origin_smart_agid=origin,
                region_id=target_region,
                target_smart_agid=target,
                user_name=user_name,
            )
        )
        assert response.status_code == 200
        return response.body.request_id


@dataclass(frozen=True)
class Setup:
    name: str
    signature: str  # what the gate must see on the wire: "v1" or "acs3"
    page_size: int  # each setup pages the full instance differently

    def connect(self, host_port):
        if self.name == "classic":
            sdk = ClassicSdk(host_port)
        elif self.name == "tea-v2":
            sdk = TeaSdk(host_port, "v2")
        else:
            sdk = TeaSdk(host_port, None)
        sdk.signature = self.signature
        sdk.page_size = self.page_size
        return sdk


SETUPS = (
    Setup("classic", signature="v1", page_size=100),
    Setup("tea-v2", signature="v1", page_size=50),
    # 2,000 = 54 * 37 + 2: a short last page.
    Setup("tea-acs3", signature="acs3", page_size=37),
)
