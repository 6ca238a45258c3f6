namespace FhirBridge.Bench;

/// <summary>One measured operation: prepared once, then executed in a closed loop by every worker.</summary>
internal interface IScenario
{
    string Name { get; }

    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Runs the operation once; returns false (or throws) when it did not succeed.</summary>
    Task<bool> ExecuteAsync(CancellationToken cancellationToken);
}
