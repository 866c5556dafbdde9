namespace BuildState.Model;

/// <summary>The status of a build's latest run (DESIGN.md: Running, Succeeded, Failed, Interrupted).</summary>
public enum RunStatus
{
    /// <summary>The run has started and not ended.</summary>
    Running,

    /// <summary>The run reached a terminal phase without an error.</summary>
    Succeeded,

    /// <summary>The run entered the error phase or ended with errors.</summary>
    Failed,

    /// <summary>A crash or kill cut the run off; found later because its owner process is gone.</summary>
    Interrupted,
}
