namespace FhirBridge.Server.Configuration;

/// <summary>The 703/2023 logs and the authorization rules (configuration sections "AccessLog" and "Authorization").</summary>
public sealed class AccessLogOptions
{
    public const string Section = "AccessLog";

    /// <summary>The controller's (rekisterinpitäjä) OID: data returned to callers of any other organisation is logged as a disclosure.</summary>
    public string Controller { get; set; } = "";

    /// <summary>The controller's name, shown in disclosure entries and reports.</summary>
    public string? ControllerName { get; set; }

    /// <summary>How long entries are kept before $purge may remove them (703/2023; Kanta keeps 12 years).</summary>
    public int RetentionYears { get; set; } = 12;

    /// <summary>
    /// Only for measuring the log's cost (tools/bench): false stops writing entries while every access rule still applies.
    /// 703/2023 requires the logs: the server warns at start when they are off.
    /// </summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Authorization switches (configuration section "Authorization").</summary>
public sealed class AuthorizationOptions
{
    public const string Section = "Authorization";

    /// <summary>Whether a professional may state a break-glass reason to access a client without another basis (always flagged for review).</summary>
    public bool AllowBreakGlass { get; set; } = true;

    /// <summary>The purpose of use of a request without an X-Purpose-Of-Use header (v3-ActReason code; joint clientship: care management).</summary>
    public string DefaultPurposeOfUse { get; set; } = "CAREMGT";
}
