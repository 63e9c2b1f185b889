"""The API's error answers: each carries the status and the ``{"errors": [...]}`` envelope."""

from __future__ import annotations

from .messages import ApiResponse

NO_MATCHING_RECORD = (
    "No message. No matching records found. The logged in Resource may not have the "
    "required permissions to delete the data."
)


class ApiError(Exception):
    """An error the fake answers with; never escapes as a traceback."""

    status = 500

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)

    def response(self) -> ApiResponse:
        return ApiResponse(self.status, {"errors": self.messages})


class BusinessError(ApiError):
    """Validation and business-rule failures: the API answers these with 500."""

    status = 500


class Unauthorized(ApiError):
    status = 401


class NotFound(ApiError):
    status = 404

    @classmethod
    def for_url(cls, url: str) -> NotFound:
        return cls(f"No HTTP resource was found that matches the request URI '{url}'.")


class MethodNotAllowed(ApiError):
    status = 405

    @classmethod
    def for_method(cls, method: str) -> MethodNotAllowed:
        return cls(f"The requested resource does not support http method '{method.upper()}'.")


class PayloadTooLarge(ApiError):
    status = 413
