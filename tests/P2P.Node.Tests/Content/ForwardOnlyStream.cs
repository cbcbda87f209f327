namespace P2P.Node.Tests.Content;

/// <summary>
/// A request body as a socket hands it over: read once, front to back, no length and no seeking (so HttpClient sends
/// it chunked), at most <paramref name="maxRead"/> bytes per read; optionally cut with an IOException after
/// <paramref name="failAfter"/> bytes, as when the client goes away.
/// </summary>
internal sealed class ForwardOnlyStream(byte[] data, int maxRead = 4096, int failAfter = int.MaxValue) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= failAfter)
            throw new IOException("the client went away");
        var n = Math.Min(Math.Min(count, maxRead), Math.Min(data.Length, failAfter) - _position);
        data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
