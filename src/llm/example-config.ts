/** The commented example `veridata config example` prints; a test parses it, so it stays valid. */
export const EXAMPLE_CONFIG = `# veridata generation config (veridata sft / veridata dpo). Every key is checked: a typo is an error.
endpoints:
  openrouter:
    base_url: https://openrouter.ai/api/v1
    api_key_env: OPENROUTER_API_KEY      # the key is read from this variable, never stored here
    profile: openrouter                  # openai | openrouter | vllm | ollama: sets each server's quirks
    headers:
      X-Title: veridata
    rate_limits:
      "*": { requests_per_minute: 600, tokens_per_minute: 2000000 }
  local:
    base_url: http://127.0.0.1:8000/v1   # vLLM (or Ollama at http://127.0.0.1:11434/v1 with profile: ollama)
    profile: vllm
    timeout_seconds: 300
    max_attempts: 6                      # per request, the first included
    backoff_base_ms: 500                 # first retry delay without Retry-After; doubles, jittered, up to backoff_max_ms
    backoff_max_ms: 30000

models:                                  # generation models; each problem's samples are routed by weight
  - id: qwen/qwen3-32b
    endpoint: openrouter
    weight: 3
    temperature: 0.7
    max_tokens: 2048
    price: { prompt_per_million: 0.10, completion_per_million: 0.30 }   # used when the provider reports no cost
  - id: Qwen/Qwen3-8B
    endpoint: local
    weight: 1

judge:                                   # only where no verifier applies (no gold answer, no tests)
  models:
    - id: openai/gpt-4.1-mini
      endpoint: openrouter
      temperature: 0
      max_tokens: 512
      price: { prompt_per_million: 0.40, completion_per_million: 1.60 }
  approval_threshold: 0.7                # judge score / 10 at or above this approves a response
  # prompt: |                            # optional; {prompt} and {response} are filled in; must ask for "Score: N" (0-10)

responses_per_problem: 4
concurrency: 32                          # generation requests in flight
judge_concurrency: 8
max_usd: 25                              # never overshot: each request reserves its worst case first
seed: 0                                  # same seed + same cache = same output
cache:
  path: .veridata/cache.sqlite
  mode: read-write                       # read-write | replay (offline, a miss is an error) | off
`;
