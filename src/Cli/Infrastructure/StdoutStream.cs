using Microsoft.Win32.SafeHandles;
using P2P.Node.Hosting.Local;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Standard output for the commands that stream data (`cat`, `block get`, `dag get`, `dag export`), written straight
/// to file descriptor 1. Not <see cref="Console.OpenStandardOutput()"/>, for two reasons found with `p2p cat CID | less`
/// and `| head`: .NET's console stream takes the lock that every console writer shares (also `Console.Error`) for each
/// write, so a write blocked on a full pipe blocks the one line an interruption must print; and it treats a closed
/// pipe as success, so a `cat` whose reader has gone went on fetching and discarding the rest of the file. Here a
/// closed pipe ends the command at once, quietly, with <see cref="ExitCodes.ReaderGone"/>, as a shell reports a
/// program that a closed pipe stopped.
/// </summary>
internal sealed class StdoutStream : Stream
{
    /// <summary>EPIPE on Linux: .NET puts the raw errno of a failed write in the exception's HResult.</summary>
    private const int BrokenPipe = 32;

    /// <summary>
    /// fd 1 written with plain write(2) (<see cref="DescriptorStream"/>): a FileStream on a seekable stdout writes at
    /// its own position with pwrite, so `(p2p cat A; p2p cat B) &gt; out` kept only B. Windows has no such offset issue.
    /// </summary>
    private readonly Stream _inner = OperatingSystem.IsWindows()
        ? new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0)
        : new DescriptorStream(1, owns: false);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _inner.Write(buffer);
        }
        catch (IOException e) when (e.HResult == BrokenPipe)
        {
            throw ReaderGone();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken);
        }
        catch (IOException e) when (e.HResult == BrokenPipe)
        {
            throw ReaderGone();
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    private static CliException ReaderGone() => new("the reader of standard output went away", ExitCodes.ReaderGone);
}
