using FhirBridge.Core.Audit;
using FhirBridge.Core.Search;
using FhirBridge.Core.Security;
using FhirBridge.Server.Audit;
using FhirBridge.Server.Configuration;
using FhirBridge.Server.Security;
using Microsoft.Extensions.Options;

namespace FhirBridge.Server.Composition;

/// <summary>Wires issue #4: the authorization policy, the per-request access trail and the 703/2023 log services.</summary>
internal static class AccessControlServices
{
    public static IServiceCollection AddAccessControl(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
            return new AccessPolicy(
                sp.GetRequiredService<ISearchQueryParser>(),
                new AccessPolicyOptions(options.AllowBreakGlass, sp.GetRequiredService<TimeProvider>(), options.DefaultPurposeOfUse));
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AccessLogOptions>>().Value;
            return new AuditEventFactory(new AccessLogSettings(options.Controller, options.ControllerName), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new AuditLogService(
            sp.GetRequiredService<IAuditLog>(),
            sp.GetRequiredService<AuditEventFactory>(),
            sp.GetRequiredService<PageSizes>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AccessLogOptions>>().Value.RetentionYears));
        services.AddSingleton<AccessLogging>();
        services.AddSingleton<AccessLogFilter>();
        services.AddScoped(sp => new RequestAudit(new AccessTrail(
            sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.Caller()
            ?? throw new InvalidOperationException("Client data is only served to an authenticated caller within a request."))));
        return services;
    }
}
