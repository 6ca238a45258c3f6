namespace FhirBridge.Core.Audit;

/// <summary>Who keeps the logs: the controller (rekisterinpitäjä) whose data FhirBridge holds, and how the server names itself.</summary>
/// <param name="Controller">The controller organisation's bare OID; data returned to another organisation is a disclosure.</param>
/// <param name="ControllerName">The controller's name, shown in disclosure entries.</param>
/// <param name="Site">AuditEvent.source.site: this server.</param>
public sealed record AccessLogSettings(string Controller, string? ControllerName = null, string Site = "FhirBridge");
