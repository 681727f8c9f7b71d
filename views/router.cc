#include "views/router.h"

#include <exception>
#include <stdexcept>
#include <string>

#include "model/failpoint.h"
#include "views/admin_handlers.h"
#include "views/page_handlers.h"
#include "views/render.h"

namespace wikid {

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = {
      {Method::kGet, "/", ShowFrontPage, Access::kAnyone},
      {Method::kGet, "/_pages", ListAllPages, Access::kAnyone},
      {Method::kGet, "/_recent", ListRecent, Access::kAnyone},
      {Method::kGet, "/_edit/*", ShowEditForm, Access::kAnyone},
      {Method::kPost, "/_edit/*", SaveEdit, Access::kAnyone, RejectForgedEdit},
      {Method::kGet, "/_history/*", ShowHistory, Access::kAnyone},
      {Method::kGet, "/_health", Health, Access::kAnyone},
      {Method::kGet, "/_admin/cache", ShowCacheAdmin, Access::kLocal},
      {Method::kPost, "/_admin/cache/flush", FlushCache, Access::kLocal},
      // Every other name starting with '_' is reserved for the wiki.
      {Method::kGet, "/_*", NoSuchRoute, Access::kAnyone},
      {Method::kGet, "/*", ShowPage, Access::kAnyone},
  };
  return kRoutes;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::string_view* rest) {
  if (!pattern.ends_with('*')) {
    *rest = {};
    return path == pattern;
  }
  std::string_view prefix = pattern.substr(0, pattern.size() - 1);
  if (!path.starts_with(prefix)) return false;
  *rest = path.substr(prefix.size());
  return true;
}

namespace {

bool MethodAllows(Method route_method, Method request_method) {
  return route_method == request_method ||
         (route_method == Method::kGet && request_method == Method::kHead);
}

const char* MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET, HEAD";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kOther: return "";
  }
  return "";
}

Response Route405(Context& ctx, const Request& req, const std::string& allow) {
  Response r = ErrorPage(ctx, 405,
                         "This address does not accept " + req.method_name +
                             " requests; it accepts " + allow + ".");
  r.headers.emplace_back("Allow", allow);
  return r;
}

Response DispatchUnguarded(const Request& req, Context& ctx) {
  // Tests prove an unexpected exception becomes a 500 that leaks nothing.
  if (FailpointValue("dispatch_throw") > 0) {
    throw std::runtime_error("failpoint dispatch_throw (secret detail)");
  }
  // The first matching pattern owns the path; later rows with the same
  // pattern add methods to it.
  std::string_view owner;
  std::string allow;
  for (const Route& route : Routes()) {
    std::string_view rest;
    if (!owner.empty() && route.pattern != owner) continue;
    if (!MatchPattern(route.pattern, req.path, &rest)) continue;
    owner = route.pattern;
    if (MethodAllows(route.method, req.method)) {
      if (route.access == Access::kLocal && req.client_address != "127.0.0.1" &&
          req.client_address != "::1") {
        return ErrorPage(ctx, 403,
                         "This page is only for the wiki's operators, from "
                         "the machine it runs on.");
      }
      if (route.method == Method::kPost && !ctx.csrf.Verify(req)) {
        if (route.on_forged != nullptr) return route.on_forged(req, ctx, rest);
        return ErrorPage(ctx, 403, kForgedMessage);
      }
      return route.handler(req, ctx, rest);
    }
    if (!allow.empty()) allow += ", ";
    allow += MethodName(route.method);
  }
  if (owner.empty()) return ErrorPage(ctx, 404, "There is nothing here.");
  return Route405(ctx, req, allow);
}

}  // namespace

Response Dispatch(const Request& req, Context& ctx) {
  ctx.templates.BeforeRequest();
  try {
    return DispatchUnguarded(req, ctx);
  } catch (const std::exception& e) {
    LogError("500 for " + req.method_name + " " + req.path + ": " + e.what());
  } catch (...) {
    LogError("500 for " + req.method_name + " " + req.path +
             ": unknown exception");
  }
  return Response::PlainText(500, "Internal error. The details are logged.");
}

}  // namespace wikid
