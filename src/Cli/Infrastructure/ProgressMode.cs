namespace P2P.Cli.Infrastructure;

/// <summary>How a <see cref="ProgressBar"/> shows itself.</summary>
internal enum ProgressMode
{
    /// <summary>Nothing is printed.</summary>
    Off,

    /// <summary>One line redrawn in place (stderr is a terminal).</summary>
    Terminal,

    /// <summary>Plain lines, one a second or per 5% (stderr is a file or a pipe and progress was asked for).</summary>
    Plain,
}
