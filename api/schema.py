"""The OpenAPI schema: token authentication, the problem-details answers every operation may give,
and the API's description (in Chinese and English)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

DESCRIPTION = """规划督导平台的 JSON 接口，供卫生健康信息平台、严重精神障碍信息系统等外部系统交换数据。
The JSON API of the Plan Supervisor, for the health information platform, the severe-mental-disorder
information system and other departments' systems.

**认证 · Authentication**: `Authorization: Bearer <token>`（管理员以 `create_api_token` 或后台创建，只显示一次，
可吊销，有到期时间 · created by an administrator with `create_api_token` or in the admin; shown once, revocable, with an
expiry）。已登录的浏览器也可调用（会话 + CSRF）· A signed-in browser may call it too (session + CSRF).

**范围 · Scope**: 与网页完全一致（同一套权限判断），令牌再限定于其地区及下级、可选部门 · exactly what the pages
show the account (the same gatekeepers), further limited to the token's region (and below) and, optionally, department.

**错误 · Errors**: RFC 9457 problem details (`application/problem+json`)，按 `Accept-Language`（zh-hans 或 en）翻译；
`errors[].field` 指出字段 · translated by `Accept-Language` (zh-hans or en); `errors[].field` names the field.
400 = 不符合接口格式 · does not match the schema; 422 = 格式正确但违反业务规则（未知 id、单位、范围、期间）·
well-formed but breaks a rule (unknown id, unit, range, period); 409 = 与现状冲突（幂等键内容不同、已提交或已通过）·
conflicts with the current state; 429 = 超过频率限制 · rate limit (per token).

**分页与同步 · Paging and sync**: 游标分页（`next`/`previous`），`updated_since` 增量同步，`ETag`/`If-None-Match`。
"""

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True, "example": "items.3.value"},
                    "detail": {"type": "string"},
                    "code": {"type": "string", "nullable": True},
                },
                "required": ["field", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
    "example": {
        "type": "https://plansupervisor.invalid/problems/validation",
        "title": "请求无效",
        "status": 422,
        "detail": "value: 以%为单位的数值必须在0到100之间。",
        "errors": [{"field": "value", "detail": "以%为单位的数值必须在0到100之间。", "code": "invalid"}],
    },
}
PROBLEM_STATUSES = {
    "400": "请求不符合接口格式 · The request does not match the schema",
    "401": "未认证、令牌无效、已过期或已吊销 · Not authenticated; token invalid, expired or revoked",
    "403": "账号无此权限 · The account may not do this",
    "404": "不存在或不在范围内 · Not found, or outside the caller's scope",
    "406": "不支持的 Accept · Unsupported Accept header",
    "409": "与现状冲突 · Conflicts with the current state",
    "413": "请求体过大 · Request body too large",
    "415": "不支持的 Content-Type · Unsupported Content-Type",
    "422": "违反业务规则 · Breaks a rule the schema cannot express",
    "429": "超过频率限制 · Too many requests",
}
WRITE_ONLY = {"409", "413", "415"}


class AutoSchema(SpectacularAutoSchema):
    pass


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "个人或系统令牌 · A personal or system token (ps_…)"}


def add_problem_responses(result, generator, request, public):
    """Every operation may answer problem details; say so, with the schema they follow."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    result["info"]["description"] = DESCRIPTION
    bulk = result["components"]["schemas"].get("BulkPushRequest")
    if bulk:  # a ListSerializer's bounds are not carried over by drf-spectacular
        bulk["properties"]["items"].update(minItems=1, maxItems=1000)
    reference = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for code, text in PROBLEM_STATUSES.items():
                if code in WRITE_ONLY and method == "get" and code != "409":
                    continue
                if code == "409" and method == "get":
                    continue
                responses.setdefault(code, {"description": text, "content": {"application/problem+json": {"schema": reference}}})
    return result


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BrowserSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "cookie", "name": "sessionid",
            "description": "已登录的浏览器（写操作需 X-CSRFToken）· A signed-in browser (writes need X-CSRFToken)",
        }
