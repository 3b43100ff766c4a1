import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/radio-group/index.css'
import 'vant/es/checkbox/index.css'
import 'vant/es/radio/index.css'

export { Radio as VanRadio, RadioGroup as VanRadioGroup } from 'vant'
