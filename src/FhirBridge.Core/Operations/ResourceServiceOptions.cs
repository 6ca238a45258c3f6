namespace FhirBridge.Core.Operations;

/// <summary>Tunables of <see cref="ResourceService"/>: history page sizes (search page sizes belong to the query parser).</summary>
/// <param name="DefaultPageSize">_count when the request gives none.</param>
/// <param name="MaxPageSize">Largest _count honoured; larger requests are clamped.</param>
public sealed record ResourceServiceOptions(int DefaultPageSize = 20, int MaxPageSize = 100);
