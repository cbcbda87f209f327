namespace P2P.Cli.Tests;

/// <summary>
/// What each test class that runs `p2p` processes against scratch repos owns: the scratch directory and one deadline
/// for the whole test, so a child process that hangs fails its test instead of stalling the run.
/// </summary>
public abstract class ProcessTestBase : IDisposable
{
    private readonly CancellationTokenSource _timeout;

    protected ProcessTestBase(TimeSpan deadline)
    {
        _timeout = new CancellationTokenSource(deadline);
    }

    protected TempDir Dir { get; } = new();

    protected CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
