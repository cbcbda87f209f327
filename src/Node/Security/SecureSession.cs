using System.Buffers.Binary;
using NSec.Cryptography;
using P2P.Node.Multiformats;

namespace P2P.Node.Security;

/// <summary>
/// The authenticated, encrypted state of one session after a successful handshake: one AEAD key per direction,
/// a 64-bit send counter used as the nonce, and a replay window on receive. A sealed frame is
/// <c>counter (8 bytes, little-endian) ‖ ciphertext ‖ tag</c>. Sealing is thread-safe (the counter is taken with
/// an interlocked increment); opening is thread-safe (the replay window is updated under a lock, the AEAD runs
/// outside it).
/// </summary>
public sealed class SecureSession : IDisposable
{
    /// <summary>Bytes of the counter that precedes the ciphertext.</summary>
    public const int CounterLength = 8;

    /// <summary>Counters stop well before 2^64 so a wrap can never reuse a nonce.</summary>
    private const ulong MaxCounter = 1UL << 62;

    private readonly AeadAlgorithm _aead;
    private readonly Key _sendKey;
    private readonly Key _receiveKey;

    /// <summary>Guards <see cref="_window"/>.</summary>
    private readonly Lock _windowLock = new();
    private readonly ReplayWindow _window = new();
    private long _nextSendCounter = -1;

    internal SecureSession(PeerId remotePeer, CipherSuite suite, Key sendKey, Key receiveKey)
    {
        RemotePeer = remotePeer;
        Suite = suite;
        _aead = CipherSuites.Algorithm(suite);
        _sendKey = sendKey;
        _receiveKey = receiveKey;
    }

    /// <summary>The peer proven by the handshake.</summary>
    public PeerId RemotePeer { get; }

    public CipherSuite Suite { get; }

    /// <summary>Bytes a sealed frame adds to the plaintext (counter and tag).</summary>
    public int Overhead => CounterLength + _aead.TagSize;

    public int SealedLength(int plaintextLength) => plaintextLength + Overhead;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="frame"/>, which must be exactly <see cref="SealedLength"/> bytes.</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> frame)
    {
        if (frame.Length != SealedLength(plaintext.Length))
            throw new ArgumentException("frame buffer has the wrong length", nameof(frame));
        var counter = (ulong)Interlocked.Increment(ref _nextSendCounter);
        if (counter >= MaxCounter)
            throw new InvalidOperationException("session counter exhausted; reconnect to rekey");
        BinaryPrimitives.WriteUInt64LittleEndian(frame, counter);
        Span<byte> nonce = stackalloc byte[_aead.NonceSize];
        MakeNonce(counter, nonce);
        _aead.Encrypt(_sendKey, nonce, ReadOnlySpan<byte>.Empty, plaintext, frame[CounterLength..]);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var frame = new byte[SealedLength(plaintext.Length)];
        Seal(plaintext, frame);
        return frame;
    }

    /// <summary>Plaintext length of a frame of <paramref name="frameLength"/> bytes, or -1 if it is too short.</summary>
    public int PlaintextLength(int frameLength) => frameLength < Overhead ? -1 : frameLength - Overhead;

    /// <summary>
    /// Verifies and decrypts <paramref name="frame"/> into <paramref name="plaintext"/> (exactly
    /// <see cref="PlaintextLength"/> bytes). Never throws for hostile input: the status says why a frame was dropped.
    /// </summary>
    public SessionOpenStatus TryOpen(ReadOnlySpan<byte> frame, Span<byte> plaintext)
    {
        var length = PlaintextLength(frame.Length);
        if (length < 0 || plaintext.Length != length)
            return SessionOpenStatus.Malformed;
        var counter = BinaryPrimitives.ReadUInt64LittleEndian(frame);
        if (counter >= MaxCounter)
            return SessionOpenStatus.Forged;
        lock (_windowLock)
        {
            if (!_window.IsFresh(counter))
                return SessionOpenStatus.Replayed;
        }
        Span<byte> nonce = stackalloc byte[_aead.NonceSize];
        MakeNonce(counter, nonce);
        if (!_aead.Decrypt(_receiveKey, nonce, ReadOnlySpan<byte>.Empty, frame[CounterLength..], plaintext))
            return SessionOpenStatus.Forged;
        // Mark only after the tag verified, so forgeries cannot burn counters; a race with a copy of the
        // same frame on another thread is settled here.
        lock (_windowLock)
            return _window.TryMark(counter) ? SessionOpenStatus.Ok : SessionOpenStatus.Replayed;
    }

    /// <summary>The counter in the first 8 nonce bytes, the rest zero; each direction has its own key, so nonces never repeat under one key.</summary>
    private static void MakeNonce(ulong counter, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce, counter);
    }

    public void Dispose()
    {
        _sendKey.Dispose();
        _receiveKey.Dispose();
    }
}
