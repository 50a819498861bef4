-- wrk script: online submissions of "Khai báo tạm vắng" (no files to upload).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = [[{"procedure_code":"1.003677","applicant":{"owner_type":"citizen","full_name":"Công dân thử nghiệm","identity_number":"001099000001","phone":"0900000001","address":"Địa chỉ thử nghiệm"},"result_delivery":{"method":"online"},"files":[]}]]

function done(summary, latency, requests)
  local codes = {}
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
