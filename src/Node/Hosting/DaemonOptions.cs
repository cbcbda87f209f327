namespace P2P.Node.Hosting;

/// <summary>
/// What <see cref="Daemon.StartAsync"/> needs besides the repo's config: overrides from the command line and the
/// clock. Null overrides keep the config's value; port 0 picks a free port.
/// </summary>
public sealed class DaemonOptions
{
    /// <summary>The repo to open (the daemon holds its lock for its whole life).</summary>
    public required string RepoPath { get; init; }

    /// <summary>Replaces the config's <c>listen</c> multiaddr.</summary>
    public string? Listen { get; init; }

    /// <summary>Replaces the config's <c>api</c> address:port.</summary>
    public string? Api { get; init; }

    /// <summary>Replaces the config's gateway address:port.</summary>
    public string? Gateway { get; init; }

    /// <summary>Replaces <c>limits.uploadRateBytesPerSecond</c> (0 = unlimited).</summary>
    public long? UploadRate { get; init; }

    /// <summary>The clock of every timer the daemon starts (reprovider, exchange, metrics); tests give a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
