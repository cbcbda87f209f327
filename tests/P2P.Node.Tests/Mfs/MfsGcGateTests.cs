using P2P.Node.Mfs;

namespace P2P.Node.Tests.Mfs;

/// <summary>
/// gc racing a `files write`: the write holds the shared gc gate from its first block to its new root, so a gc that
/// starts mid-write waits, and cannot sweep blocks that are stored but not yet referenced by the root.
/// </summary>
public class MfsGcGateTests
{
    [Fact]
    public async Task Gc_DuringAWrite_WaitsAndTheWrittenFileSurvives()
    {
        using var repo = new MfsRepo();
        var data = new byte[900_000];
        new Random(21).NextBytes(data);
        var input = new PausingStream(data, pauseAt: 600_000);
        var write = Task.Run(() => repo.Files.WriteAsync("/f", input, new MfsWriteOptions { Create = true }, default));
        await input.Paused.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var gc = Task.Run(() => repo.Node.CollectGarbage(default));
        // A bound, not a synchronisation: with the gate gc cannot finish while the write is paused; without it, it
        // would sweep the leaves stored so far well within this time.
        var first = await Task.WhenAny(gc, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.NotSame(gc, first);

        input.Resume.SetResult();
        await write.WaitAsync(TimeSpan.FromSeconds(30));
        await gc.WaitAsync(TimeSpan.FromSeconds(30));
        var range = await repo.Files.OpenReadAsync("/f", 0, null, default);
        var read = new MemoryStream();
        await foreach (var piece in repo.Files.ReadAsync(range, default))
            read.Write(piece.Span);
        Assert.Equal(data, read.ToArray());
    }

    /// <summary>A stream over <c>data</c> that stops at <c>pauseAt</c> until told to go on.</summary>
    private sealed class PausingStream(byte[] data, int pauseAt) : Stream
    {
        private int _position;

        public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == pauseAt)
            {
                Paused.TrySetResult();
                await Resume.Task.WaitAsync(cancellationToken);
            }
            var end = _position < pauseAt ? pauseAt : data.Length;
            var n = Math.Min(buffer.Length, end - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
